"""examples/ci/duvoform_ci.py, run as CI runs it (a subprocess) against the fake forge."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.ci.forge import GITHUB_LIMIT, GITHUB_PAT, GITHUB_TOKEN, GITLAB_TOKEN, Forge

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "ci" / "duvoform_ci.py"
MARKER = "<!-- duvoform-plan -->"
BOT = "github-actions[bot]"  # who the job's GITHUB_TOKEN writes as


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("duvoform_ci", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def github_env(forge: Forge, token: str = GITHUB_TOKEN) -> dict[str, str]:
    return {
        "GITHUB_API_URL": forge.base_url,
        "GITHUB_REPOSITORY": "acme/cfg",
        "GITHUB_TOKEN": token,
    }


def gitlab_env(forge: Forge) -> dict[str, str]:
    return {
        "CI_API_V4_URL": f"{forge.base_url}/api/v4",
        "CI_PROJECT_ID": "acme/cfg",
        "DUVOFORM_GITLAB_TOKEN": GITLAB_TOKEN,
    }


def comment(
    forge: Forge, body: str, *extra: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "body.md"
    file.write_text(body, "utf-8")
    return run(
        "comment", "--marker", MARKER, "--body-file", str(file), *extra, env=github_env(forge)
    )


def test_finds_its_comment_on_a_later_page_and_edits_it(forge: Forge, tmp_path: Path) -> None:
    for n in range(250):
        forge.add_comment(3, f"comment {n}")
    target = forge.comments[3][230]
    target["body"] = f"{MARKER}\nold plan"
    target["user"]["login"] = BOT
    forge.comments[3][240]["body"] = f"quoting {MARKER} in the middle"
    result = comment(forge, f"{MARKER}\nnew plan", "--pr", "3", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"updated comment {target['id']} on #3\n"
    assert target["body"] == f"{MARKER}\nnew plan"
    assert forge.writes() == [("PATCH", f"/repos/acme/cfg/issues/comments/{target['id']}")]
    gets = [path for method, path in forge.requests if method == "GET" and path != "/user"]
    assert len(gets) == 3  # 100 per page


def test_adds_one_comment_then_edits_it(forge: Forge, tmp_path: Path) -> None:
    first = comment(forge, "plan one", "--pr", "4", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("added comment ")
    second = comment(forge, "plan two", "--pr", "4", tmp_path=tmp_path)
    assert second.stdout.startswith("updated comment ")
    third = comment(forge, "plan two", "--pr", "4", tmp_path=tmp_path)
    assert third.stdout.endswith("is up to date\n")
    (only,) = forge.comments[4]
    assert only["body"] == f"{MARKER}\nplan two"  # the marker is added when missing
    assert [m for m, _ in forge.writes()] == ["POST", "PATCH"]


def test_several_marked_comments_the_oldest_is_edited(forge: Forge, tmp_path: Path) -> None:
    oldest = forge.add_comment(5, f"{MARKER}\na", login=BOT)
    forge.add_comment(5, f"{MARKER}\nb", login=BOT)
    result = comment(forge, f"{MARKER}\nc", "--pr", "5", tmp_path=tmp_path)
    assert result.stdout == f"updated comment {oldest} on #5 (1 more with the marker left alone)\n"
    assert [c["body"][-1] for c in forge.comments[5]] == ["c", "b"]


def test_only_update_never_adds(forge: Forge, tmp_path: Path) -> None:
    result = comment(forge, "x", "--pr", "6", "--only-update", tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "no earlier comment on #6; nothing to update\n"
    assert forge.writes() == []


def test_a_body_over_githubs_limit_becomes_a_notice(forge: Forge, tmp_path: Path) -> None:
    result = comment(forge, MARKER + "x" * 70_000, "--pr", "6", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    (posted,) = forge.comments[6]
    assert posted["body"].startswith(MARKER)
    assert len(posted["body"]) < GITHUB_LIMIT
    assert "over the limit of 65,536" in posted["body"]


def test_commit_to_merged_pull_request(forge: Forge, tmp_path: Path) -> None:
    forge.merged("abc123", pr=12)
    result = comment(forge, "failed", "--commit", "abc123", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert forge.comments[12][0]["body"] == f"{MARKER}\nfailed"
    none = comment(forge, "failed", "--commit", "def456", tmp_path=tmp_path)
    assert none.returncode == 0
    assert none.stdout == "no merged request found for commit def456; nothing to comment on\n"


def test_refused_token_is_one_line_without_the_token(forge: Forge, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_text("x", "utf-8")
    result = run(
        "comment",
        "--marker",
        MARKER,
        "--body-file",
        str(file),
        "--pr",
        "1",
        env=github_env(forge, token="ghs_wrong_token_abc"),
    )
    assert result.returncode == 1
    assert result.stderr == (
        "duvoform_ci.py: error: GET "
        f"{forge.base_url}/user failed: 401 Unauthorized: Bad credentials\n"
    )
    assert "ghs_wrong" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "GITHUB_TOKEN or GH_TOKEN is not set"),
        ({"GH_TOKEN": "t"}, "GITHUB_REPOSITORY is not set"),
    ],
)
def test_missing_settings(env: dict[str, str], message: str, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_text("x", "utf-8")
    result = run("comment", "--marker", MARKER, "--body-file", str(file), "--pr", "1", env=env)
    assert result.returncode == 1
    assert result.stderr == f"duvoform_ci.py: error: {message}\n"


def test_gitlab_notes_skip_system_notes_and_edit_in_place(forge: Forge, tmp_path: Path) -> None:
    forge.notes[8] = [{"id": 1, "body": f"{MARKER}\nby the system", "system": True}]
    file = tmp_path / "body.md"
    for text in ("one", "two"):
        file.write_text(text, "utf-8")
        result = run(
            "comment",
            "--platform",
            "gitlab",
            "--marker",
            MARKER,
            "--body-file",
            str(file),
            "--pr",
            "8",
            env=gitlab_env(forge),
        )
        assert result.returncode == 0, result.stderr
    assert [n["body"] for n in forge.notes[8]] == [f"{MARKER}\nby the system", f"{MARKER}\ntwo"]
    assert [m for m, _ in forge.writes()] == ["POST", "PUT"]
    assert all(
        path.startswith("/api/v4/projects/acme%2Fcfg/") or path == "/api/v4/user"
        for _, path in forge.requests
    )


def test_head_of_a_branch(forge: Forge) -> None:
    forge.branches["main"] = "1234abcd"
    assert run("head", "--branch", "main", env=github_env(forge)).stdout == "1234abcd\n"
    gitlab = run("head", "--platform", "gitlab", "--branch", "main", env=gitlab_env(forge))
    assert gitlab.stdout == "1234abcd\n"
    missing = run("head", "--branch", "gone", env=github_env(forge))
    assert missing.returncode == 1
    assert "404 Not Found: Branch not found" in missing.stderr


def test_pre_escapes_and_strips_colour(tmp_path: Path) -> None:
    file = tmp_path / "plan.txt"
    file.write_text("a </pre><script>x</script> & b\n\x1b[31mred\x1b[0m\n", "utf-8")
    result = run("pre", "--title", "Plan <1>", str(file))
    assert result.stdout == (
        "### Plan &lt;1&gt;\n\n<pre>\na &lt;/pre&gt;&lt;script&gt;x&lt;/script&gt; &amp; b\n"
        "red\n</pre>\n"
    )


def test_pre_keeps_whole_lines_within_the_limit(tmp_path: Path) -> None:
    file = tmp_path / "log.txt"
    file.write_text("".join(f"line {n} é\n" for n in range(10_000)), "utf-8")
    head = run("pre", "--limit", "5000", str(file)).stdout
    tail = run("pre", "--tail", "--limit", "5000", str(file)).stdout
    for text in (head, tail):
        assert len(text.encode()) <= 5000
        assert "lines are not shown here" in text
    assert head.startswith("<pre>\nline 0 é\n")
    assert "line 9999 é\n</pre>" in tail
    assert "The first " in tail
    assert "The last " in head


def test_pre_of_missing_or_empty_files(tmp_path: Path) -> None:
    result = run("pre", "--empty", "(nothing)", str(tmp_path / "missing.txt"))
    assert result.stdout == "<pre>\n(nothing)\n</pre>\n"


def test_the_token_never_leaves_the_apis_origin() -> None:
    module = load_script()
    api = module.Api("https://api.github.com", {"Authorization": "Bearer secret"})
    with pytest.raises(
        module.CiError, match=r"refusing to send the token to https://evil\.example"
    ):
        api.request("GET", "https://evil.example/repos/x")


@pytest.mark.parametrize(
    ("token", "me"), [(GITHUB_TOKEN, BOT), (GITHUB_PAT, "duvoform-bot")], ids=["app", "account"]
)
def test_a_foreign_marker_comment_is_never_edited(
    forge: Forge, tmp_path: Path, token: str, me: str
) -> None:
    foreign = forge.add_comment(9, f"{MARKER}\nApprove: all fine, merge it", login="mallory")
    impostor = forge.add_comment(9, f"{MARKER}\nlooks like a bot", login="github-actions")
    file = tmp_path / "body.md"
    file.write_text(f"{MARKER}\nthe real plan", "utf-8")
    args = ("comment", "--marker", MARKER, "--body-file", str(file), "--pr", "9")
    first = run(*args, env=github_env(forge, token))
    assert first.returncode == 0, first.stderr
    second = run(*args, env=github_env(forge, token))
    assert second.returncode == 0, second.stderr
    bodies = {c["id"]: (c["user"]["login"], c["body"]) for c in forge.comments[9]}
    assert bodies[foreign] == ("mallory", f"{MARKER}\nApprove: all fine, merge it")
    assert bodies[impostor] == ("github-actions", f"{MARKER}\nlooks like a bot")
    ours = [c for c in forge.comments[9] if c["user"]["login"] == me]
    assert [c["body"] for c in ours] == [f"{MARKER}\nthe real plan"]  # made once, then kept
    assert second.stdout.endswith("is up to date\n")
    assert not [
        p for m, p in forge.writes() if m == "PATCH" and p.endswith((str(foreign), str(impostor)))
    ]


def test_a_foreign_gitlab_note_is_never_edited(forge: Forge, tmp_path: Path) -> None:
    forge.notes[4] = [
        {"id": 1, "body": f"{MARKER}\nby a colleague", "system": False, "author": {"id": 5}},
    ]
    file = tmp_path / "body.md"
    file.write_text("the plan", "utf-8")
    args = ("comment", "--platform", "gitlab", "--marker", MARKER, "--body-file", str(file))
    result = run(*args, "--pr", "4", env=gitlab_env(forge))
    assert result.returncode == 0, result.stderr
    assert [n["body"] for n in forge.notes[4]] == [
        f"{MARKER}\nby a colleague",
        f"{MARKER}\nthe plan",
    ]
    assert [m for m, _ in forge.writes()] == ["POST"]

"""Hostile input through the real CLI: every user error is a clear message naming what is wrong
and an exit code (1 for errors, 2 for usage), never a traceback.

Each row of ``CASES`` runs one command in a fresh directory that holds a small manifest root
(``m/``, see ``tests.commands.helpers``), a saved plan (``plan.json``, made against the embedded
local API) and a few broken files. Commands that talk to an API use ``--api-url local`` unless
the row says otherwise, so no network is needed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.engine.planfile import plan_file_text
from tests.commands.helpers import write_root

PROJECT = """\
apiVersion: duvoform/v1
environments:
  staging: {vars: {}}
"""


@dataclass(frozen=True)
class Case:
    """One hostile invocation: the arguments, the exit code and a phrase the message has."""

    id: str
    args: list[str]
    code: int
    says: str
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    never: tuple[str, ...] = ()
    """Text the output must not hold (a secret given where it does not belong)."""


def _plan_document(work: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((work / "plan.json").read_text())
    return loaded


def _edit_plan(work: Path, **changes: object) -> None:
    document = _plan_document(work)
    document.update(changes)
    # Signed again, as if plan had written it: what is tested is reading such a document.
    (work / "edited.json").write_text(plan_file_text(document))


def _block(path: Path) -> None:
    """Put a file where ``path``, a directory, should be: nothing can be written under it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a directory")


def _huge_numbers(work: Path) -> None:
    """A var file, and a manifest root whose flag and vars hold numbers of 5,000 digits."""
    digits = "9" * 5000
    (work / "huge-vars.yaml").write_text(f"x: {digits}\n")
    project = work / "huge-project"
    project.mkdir()
    (project / "duvoform.yaml").write_text(f"apiVersion: duvoform/v1\nvars:\n  n: {digits}\n")
    root = work / "huge"
    root.mkdir()
    (root / "f.yaml").write_text(
        f"apiVersion: duvoform/v1\nkind: Folder\nmetadata:\n  name: A\n  protected: {digits}\n"
    )


LOCAL = ["--api-url", "local"]
REMOTE = ["--api-url", "https://api.example.com"]

CASES = [
    # -- numbers Python will not read ------------------------------------------------------
    Case(
        "huge-int-var-file",
        [*LOCAL, "plan", "--var-file", "huge-vars.yaml", "m"],
        1,
        "huge-vars.yaml:1:4: the number has more than 4,300 digits",
        setup=_huge_numbers,
    ),
    Case(
        "huge-int-project-vars",
        ["validate", "huge-project"],
        1,
        "duvoform.yaml:3:6: the number has more than 4,300 digits",
        setup=_huge_numbers,
    ),
    Case(
        "huge-int-manifest",
        ["validate", "huge"],
        1,
        "f.yaml:5:14: the number has more than 4,300 digits",
        setup=_huge_numbers,
    ),
    # -- flags and their values --------------------------------------------------------------
    Case("parallelism-0", [*LOCAL, "apply", "--parallelism", "0", "m"], 2, "--parallelism"),
    Case("parallelism-negative", [*LOCAL, "apply", "--parallelism", "-1", "m"], 2, "-1"),
    Case("parallelism-abc", [*LOCAL, "apply", "--parallelism", "abc", "m"], 2, "'abc'"),
    Case("format-nope", [*LOCAL, "plan", "--format", "nope", "m"], 2, "'nope'"),
    Case("apply-format-markdown", [*LOCAL, "apply", "--format", "markdown"], 2, "--format"),
    Case("show-format-nope", [*LOCAL, "show", "Folder/Finance", "--format", "x"], 2, "--format"),
    Case("var-without-equals", [*LOCAL, "plan", "--var", "x", "m"], 2, "KEY=VALUE"),
    Case("var-without-key", [*LOCAL, "plan", "--var", "=x", "m"], 2, "KEY=VALUE"),
    Case("var-file-missing", [*LOCAL, "plan", "--var-file", "nope.yaml", "m"], 1, "nope.yaml"),
    Case(
        "var-file-binary",
        [*LOCAL, "plan", "--var-file", "binary.yaml", "m"],
        1,
        "not valid UTF-8",
    ),
    Case(
        "var-file-not-a-mapping",
        [*LOCAL, "plan", "--var-file", "list.yaml", "m"],
        1,
        "must be a mapping",
    ),
    Case("var-file-a-directory", [*LOCAL, "plan", "--var-file", "m", "m"], 2, "directory"),
    Case("env-unknown", [*LOCAL, "plan", "--env", "prod", "m"], 1, 'unknown environment "prod"'),
    Case("target-no-kind", [*LOCAL, "plan", "--target", "Finance", "m"], 2, "Kind/name"),
    Case("target-no-name", [*LOCAL, "apply", "--target", "Folder/", "m"], 2, "Kind/name"),
    Case("target-unknown-kind", [*LOCAL, "plan", "--target", "Agent/x", "m"], 2, "Kind/name"),
    # -- with --detailed-exitcode, 2 means "changes": a usage error exits 1 ---------------------
    Case(
        "detailed-misspelt-flag", [*LOCAL, "plan", "--detailed-exitcode", "--prnue"], 1, "--prnue"
    ),
    Case(
        "detailed-bad-target",
        [*LOCAL, "plan", "m", "--target", "x", "--detailed-exitcode"],
        1,
        "Kind/name",
    ),
    Case(
        "detailed-bad-api-url",
        ["--api-url", "garbage", "plan", "m", "--detailed-exitcode"],
        1,
        "not an http(s) URL",
    ),
    Case("detailed-no-key", [*REMOTE, "plan", "m", "--detailed-exitcode"], 1, "DUVO_API_KEY"),
    Case("validate-missing-path", ["validate", "nope"], 1, "nope: no such file or directory"),
    Case("show-empty-address", [*LOCAL, "show", ""], 2, "is not an address"),
    Case("show-unknown-kind", [*LOCAL, "show", "Agent/x"], 2, '"Agent" is not a kind'),
    Case("connect-unknown-name", [*LOCAL, "connect", "Outbox", "m"], 2, 'no Connection "Outbox"'),
    Case("connect-not-oauth", [*LOCAL, "connect", "Finance", "m"], 2, 'no Connection "Finance"'),
    Case("unknown-command", ["destroy"], 2, "No such command 'destroy'"),
    # -- where the API is, and the key -------------------------------------------------------
    Case("api-url-garbage", ["--api-url", "garbage", "plan", "m"], 2, "not an http(s) URL"),
    Case("api-url-ftp", ["--api-url", "ftp://x", "plan", "m"], 2, "not an http(s) URL"),
    Case(
        "api-url-plain-http",
        ["--api-url", "http://example.com", "plan", "m"],
        2,
        "refusing to send the API key over plain http to example.com",
    ),
    Case("api-url-query", ["--api-url", "https://a.example?x=1", "plan", "m"], 2, "query"),
    Case(
        "api-url-with-credentials",
        ["--api-url", "https://me:dv_canary@api.example.com", "plan", "m"],
        2,
        "holds a user name or password",
        never=("dv_canary",),
    ),
    Case(
        "api-url-with-credentials-and-a-plan-file",
        ["--api-url", "https://me:dv_canary@api.example.com", "apply", "plan.json"],
        2,
        "not https://***@api.example.com",
        never=("dv_canary",),
    ),
    Case("api-url-ipv6-unclosed", ["--api-url", "https://[::1", "plan", "m"], 2, "not a valid"),
    Case("api-url-port", ["--api-url", "https://a.example:99999", "plan", "m"], 2, "not a valid"),
    Case("api-url-space", ["--api-url", "https://a example", "plan", "m"], 2, "spaces"),
    Case(
        "api-url-huge",
        ["--api-url", "ftp://" + "a" * 100_000, "plan", "m"],
        2,
        "(100006 characters)",
    ),
    Case("no-key", [*REMOTE, "plan", "m"], 2, "set DUVO_API_KEY"),
    Case("key-with-spaces", [*REMOTE, "plan", "m"], 2, "spaces", env={"DUVO_API_KEY": "a b"}),
    Case("key-file-missing", [*REMOTE, "--api-key-file", "nope", "plan", "m"], 2, "nope"),
    Case("key-file-empty", [*REMOTE, "--api-key-file", "empty.key", "plan", "m"], 2, "is empty"),
    Case("key-file-a-directory", [*REMOTE, "--api-key-file", "m", "plan", "m"], 2, "directory"),
    Case(
        "key-file-binary",
        [*REMOTE, "--api-key-file", "binary.yaml", "plan", "m"],
        2,
        "cannot read the API key file",
    ),
    # -- plan files ----------------------------------------------------------------------------
    Case("plan-file-garbage", [*LOCAL, "apply", "garbage.json"], 1, "not valid JSON"),
    Case("plan-file-empty", [*LOCAL, "apply", "empty.json"], 1, "not valid JSON"),
    Case(
        "plan-file-foreign",
        [*LOCAL, "apply", "foreign.json"],
        1,
        "is not a duvoform plan file",
    ),
    Case(
        "plan-file-truncated",
        [*LOCAL, "apply", "truncated.json"],
        1,
        "truncated.json is not a duvoform plan file",
        setup=lambda w: (w / "truncated.json").write_text((w / "plan.json").read_text()[:500]),
    ),
    Case(
        "plan-file-future-version",
        [*LOCAL, "apply", "edited.json"],
        1,
        "format version 99",
        setup=lambda w: _edit_plan(w, format_version=99),
    ),
    Case(
        "plan-file-damaged",
        [*LOCAL, "apply", "edited.json"],
        1,
        "damaged duvoform plan file",
        setup=lambda w: _edit_plan(w, steps="x"),
    ),
    Case(
        "plan-file-edited",
        [*LOCAL, "apply", "edited.json"],
        1,
        "was changed after plan wrote it",
        setup=lambda w: (w / "edited.json").write_text(
            json.dumps({**_plan_document(w), "steps": []})
        ),
    ),
    Case(
        "plan-file-huge-version",
        [*LOCAL, "apply", "edited.json"],
        1,
        "(100002 characters)",
        setup=lambda w: _edit_plan(w, format_version="9" * 100_000),
    ),
    Case(
        "plan-file-huge-value",
        [*LOCAL, "apply", "edited.json"],
        1,
        "damaged duvoform plan file (ValueError:",
        setup=lambda w: _edit_plan(w, steps=[{"id": "x", "op": "o" * 100_000}]),
    ),
    Case(
        "plan-file-of-another-api",
        [*LOCAL, "apply", "edited.json"],
        2,
        "was made for https://api.duvo.ai, not local",
        setup=lambda w: _edit_plan(w, api_url="https://api.duvo.ai"),
    ),
    Case(
        "plan-file-with-manifests",
        [*LOCAL, "apply", "m", "plan.json", "--auto-approve"],
        2,
        "plan.json is not a manifest (.yaml or .yml); apply takes manifest paths, or a saved",
    ),
    Case(
        "plan-file-with-plan-flags",
        [*LOCAL, "apply", "plan.json", "--prune"],
        2,
        "a saved plan was shaped when it was made",
    ),
    # -- where output goes ---------------------------------------------------------------------
    Case("plan-out-a-directory", [*LOCAL, "plan", "m", "--out", "m"], 2, "is a directory"),
    Case(
        "plan-out-under-a-file",
        [*LOCAL, "plan", "m", "--out", "empty.key/plan.json"],
        1,
        "cannot write the plan file empty.key/plan.json: a file stands where a directory",
    ),
    Case("import-out-a-file", [*LOCAL, "import", "--out", "empty.key"], 2, "is a file"),
    Case("schema-out-a-file", ["schema", "--out", "empty.key"], 2, "is a file"),
    Case(
        "show-with-an-unwritable-name-index",
        [*LOCAL, "show", "Assignment/Cash report"],
        1,
        'no live assignment is called "Cash report"',
        setup=lambda w: _block(w / ".duvoform" / "index"),
    ),
    Case(
        "import-with-an-unwritable-name-index",
        [*LOCAL, "import", "--out", "imported"],
        0,
        "cannot write the name index",
        setup=lambda w: _block(w / ".duvoform" / "index"),
    ),
    Case(
        "state-dir-a-file",
        [*LOCAL, "plan", "m"],
        1,
        "emulator.sqlite3: .duvoform is a file, not a directory",
        setup=lambda w: (w / ".duvoform").write_text("not a directory"),
    ),
]


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A plan file made against the embedded local API (made once: it takes a second)."""
    work = tmp_path_factory.mktemp("plan")
    write_root(work, project=PROJECT)
    result = _invoke(work, [*LOCAL, "plan", "m", "--out", "plan.json"])
    assert result.exit_code == 0, result.output
    return (work / "plan.json").read_text()


def _invoke(work: Path, args: list[str], env: dict[str, str] | None = None) -> Result:
    environ = {"DUVO_API_KEY": None, "DUVO_API_URL": None, "NO_COLOR": "1", **(env or {})}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        return CliRunner().invoke(cli, args, env=environ, catch_exceptions=False)


@pytest.fixture
def work(tmp_path: Path, saved_plan: str) -> Path:
    write_root(tmp_path, project=PROJECT)
    (tmp_path / "plan.json").write_text(saved_plan)
    (tmp_path / "binary.yaml").write_bytes(b"\x00\x01\xff\xfe")
    (tmp_path / "list.yaml").write_text("- a\n")
    (tmp_path / "empty.key").write_text("")
    (tmp_path / "garbage.json").write_text("hello")
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "foreign.json").write_text('{"kind": "terraform-plan"}')
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_user_error_is_a_message_and_an_exit_code(work: Path, case: Case) -> None:
    if case.setup is not None:
        case.setup(work)
    result = _invoke(work, case.args, case.env)
    assert result.exit_code == case.code, result.output
    assert case.says in result.stderr, result.stderr
    assert "Traceback" not in result.output
    for text in case.never:
        assert text not in result.output
    assert result.stderr.count("\n") <= 10  # one clear message, not a dump
    assert len(result.stderr) < 2000  # and no huge value echoed back

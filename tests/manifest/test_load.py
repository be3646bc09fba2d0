from __future__ import annotations

import os
from pathlib import Path

import pytest

from duvoform.errors import Location, ManifestError
from duvoform.kinds import Assignment, Connection, CustomMcpConnectionSpec, Folder
from duvoform.manifest import load_manifests
from tests.manifest.helpers import assignment, connection, docs, folder, make_project

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def get(manifests, kind: str, name: str):  # type: ignore[no-untyped-def]
    (found,) = [r for r in manifests.resources if r.kind == kind and r.name == name]
    return found


def test_examples_load_with_sop_files_defaults_and_templates() -> None:
    manifests = load_manifests([EXAMPLES])
    counts = {kind: len(manifests.of_kind(kind)) for kind in ("Folder", "Assignment", "Connection")}
    assert counts == {"Folder": 8, "Assignment": 10, "Connection": 5}
    triage = get(manifests, "Assignment", "Invoice triage")
    assert isinstance(triage, Assignment)
    assert triage.spec.build.sop_file == "../sops/invoice-triage.md"
    assert triage.spec.build.sop_text == (EXAMPLES / "sops/invoice-triage.md").read_text()
    assert triage.spec.build.revision_name == "Release 2026.11"
    assert triage.spec.build.browsing.model == "claude-sonnet-4-5"  # duvoform.yaml defaults
    audit = get(manifests, "Assignment", "Expense audit")
    assert audit.spec.build.browsing.provider == "google"  # the manifest's own value wins
    assert triage.source == EXAMPLES / "finance/accounts-payable.yaml"
    assert triage.location.line == 3
    assert triage.location.file.endswith("examples/manifests/finance/accounts-payable.yaml")
    assert manifests.project.root == EXAMPLES
    assert manifests.warnings == ()


def test_environments_change_rendered_values() -> None:
    staging = load_manifests([EXAMPLES], env="staging")
    production = load_manifests([EXAMPLES], env="production")
    urls = [
        get(m, "Connection", "Snowflake finance").spec.server_url for m in (staging, production)
    ]
    assert urls == [
        "https://mcp.staging.acme.example/snowflake",
        "https://mcp.acme.example/snowflake",
    ]
    report = get(production, "Assignment", "Weekly cash report").spec.build.sop_text
    assert "Post the summary table to #finance-ops and attach the CSV." in report
    assert "EUR 5000 in one line each" in report
    assert staging.digest != production.digest


def test_cli_vars_win(tmp_path: Path) -> None:
    manifests = load_manifests([EXAMPLES], env="staging", vars={"release": "hotfix-7"})
    assert (
        get(manifests, "Assignment", "Vendor lookup").spec.build.revision_name == "Release hotfix-7"
    )


def test_digest_is_stable_and_independent_of_file_layout(tmp_path: Path) -> None:
    a = assignment("A", build="    model: m\n    sop_file: sops/a.md\n")
    b = folder("Finance")
    c = connection(
        "C",
        "  type: custom_mcp\n  server_url: https://h\n  headers:\n    secret: {X: {env: TOKEN}}\n",
    )
    one = make_project(tmp_path / "one", {"all.yaml": docs(a, b, c), "sops/a.md": "SOP A\n"})
    two = make_project(
        tmp_path / "two",
        {"z.yaml": c, "y/b.yaml": b, "a.yaml": a, "sops/a.md": "SOP A\n"},
    )
    first = load_manifests([one]).digest
    assert load_manifests([one]).digest == first
    assert load_manifests([two]).digest == first
    os.environ["TOKEN"] = "value-one"
    try:
        with_value = load_manifests([one]).digest
    finally:
        del os.environ["TOKEN"]
    assert with_value == first  # the reference is hashed, never the value
    (one / "sops/a.md").write_text("SOP A, revised\n")
    assert load_manifests([one]).digest != first


def test_sop_files_resolve_relative_to_their_manifest(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "vars: {which: b}\n",
            "team/x.yaml": docs(
                assignment("A", build="    model: m\n    sop_file: ../sops/a.md\n"),
                assignment(
                    "B", build="    model: m\n    sop_file: '../sops/{{ vars.which }}.md'\n"
                ),
            ),
            "sops/a.md": "\ufeffUTF-8 with a BOM: café\n",
            "sops/b.md": "B\n",
        },
    )
    (root / "team/link.md").symlink_to(root / "sops/b.md")  # a link that stays inside is fine
    (root / "team/y.yaml").write_text(
        assignment("C", build="    model: m\n    sop_file: link.md\n")
    )
    manifests = load_manifests([root / "team"])
    texts = {
        r.name: r.spec.build.sop_text for r in manifests.resources if isinstance(r, Assignment)
    }
    assert texts == {"A": "UTF-8 with a BOM: café\n", "B": "B\n", "C": "B\n"}
    assert manifests.project.root == root


def test_every_problem_in_every_file_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        tmp_path,
        {
            "b.yaml": assignment("B", build="    model: m\n"),
            "a.yaml": docs(folder("Ok"), "kind: Folder\nmetadata: {name: X}\n", "a: 1\na: 2\n"),
        },
    )
    monkeypatch.chdir(root)
    with pytest.raises(ManifestError) as exc:
        load_manifests([Path(".")])
    assert [p.render() for p in exc.value.problems] == [
        'a.yaml:5:1: Folder "X": apiVersion: field required',
        'a.yaml:9:1: duplicate key "a" (first at line 8); '
        "YAML would silently keep only the last value",
        'b.yaml:6:3: Assignment "B": spec.build: an SOP is required: set sop (inline text) or '
        "sop_file (a path)",
    ]
    assert exc.value.summary == "3 problems found"


def test_discovery_order_exclusions_and_yml(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "environments: {staging: {var_files: [env/staging.yaml]}}\n",
            "env/staging.yaml": "x: 1\n",
            "b/z.yml": folder("Z"),
            "b/a.yaml": folder("A"),
            "a.yaml": folder("Top"),
            ".hidden/x.yaml": "this: [is not, loaded\n",
            "notes.txt": "ignored",
            "vars.yaml": "release: x\n",
        },
    )
    manifests = load_manifests([root], var_files=[root / "vars.yaml"])
    assert [p.relative_to(root).as_posix() for p in manifests.files] == [
        "a.yaml",
        "b/a.yaml",
        "b/z.yml",
    ]
    assert [r.name for r in manifests.resources] == ["Top", "A", "Z"]


def test_path_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path, {"notes.txt": "x", "empty/README.md": "x"})
    monkeypatch.chdir(root)
    with pytest.raises(ManifestError) as exc:
        load_manifests([Path("notes.txt"), Path("missing")])
    assert [p.render() for p in exc.value.problems] == [
        "missing: no such file or directory",
        "notes.txt: not a YAML file: manifests end in .yaml or .yml",
    ]
    with pytest.raises(ManifestError) as exc:
        load_manifests([Path("empty")])
    assert exc.value.render() == (
        'no manifests found in "empty" (looked for *.yaml, *.yml)\n1 problem found'
    )


def test_warnings_for_near_miss_models_and_plaintext_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        tmp_path,
        {
            "a.yaml": docs(
                assignment("A", build="    model: claude-sonet-4-6\n    sop: x\n"),
                assignment("B", build="    model: brand-new-model-9\n    sop: x\n"),
                connection(
                    "C",
                    "  type: custom_mcp\n  server_url: https://h\n"
                    "  headers:\n    plaintext: {Authorization: Bearer x, X-Org: acme}\n",
                ),
            )
        },
    )
    monkeypatch.chdir(root)
    manifests = load_manifests([Path(".")])
    assert [w.render() for w in manifests.warnings] == [
        'a.yaml:7:12: Assignment "A": spec.build.model: "claude-sonet-4-6" is not a model '
        'duvoform knows; did you mean "claude-sonnet-4-6"? (unknown models are allowed)',
        'a.yaml:26:32: Connection "C": spec.headers.plaintext.Authorization: header '
        '"Authorization" is plaintext (stored unencrypted, and in git); if it holds a '
        "credential, move it under headers.secret as {env: NAME} or {file: PATH}",
    ]


def test_secret_reference_names_may_be_templated(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "vars: {suffix: STAGING}\n",
            "c.yaml": connection(
                "C",
                "  type: custom_mcp\n  server_url: https://h\n  headers:\n"
                "    secret: {Authorization: {env: 'TOKEN_{{ vars.suffix }}'}}\n",
            ),
        },
    )
    (resource,) = load_manifests([root]).resources
    assert isinstance(resource, Connection)
    assert isinstance(resource.spec, CustomMcpConnectionSpec)
    assert resource.spec.headers.secret["Authorization"].env == "TOKEN_STAGING"


def test_locate_points_into_a_loaded_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, {"f.yaml": docs(folder("A"), folder("B", "A"))})
    monkeypatch.chdir(root)
    manifests = load_manifests([Path(".")])
    b = manifests.resources[1]
    assert isinstance(b, Folder)
    assert b.location == Location("f.yaml", 5, 1)
    assert manifests.locate(b, ("spec", "parent")) == Location("f.yaml", 8, 16)


def test_manifest_files_are_regular_files_inside_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "team.yaml").write_text(folder("Outside"))
    root = make_project(
        tmp_path / "repo",
        {"a.yaml": folder("A"), "sops/s.md": "S\n", "shared/b.yaml": folder("B")},
    )
    (root / "inside.yaml").symlink_to(root / "shared/b.yaml")  # stays inside: read once
    (root / "linked.yaml").symlink_to(outside / "team.yaml")
    os.mkfifo(root / "pipe.yaml")  # reading it would wait forever for a writer
    os.mkfifo(root / "sops/pipe.md")
    (root / "c.yaml").write_text(
        assignment("C", build="    model: m\n    sop_file: sops/pipe.md\n")
    )
    monkeypatch.chdir(root)
    with pytest.raises(ManifestError) as exc:
        load_manifests([Path(".")])
    assert [p.render() for p in exc.value.problems] == [
        'c.yaml:8:15: Assignment "C": spec.build.sop_file: "sops/pipe.md" is not a regular file',
        "linked.yaml: a symbolic link leading outside the manifest root; it is not read",
        "pipe.yaml: not a regular file (a directory, pipe or device); it is not read",
    ]
    (root / "c.yaml").unlink()
    (root / "linked.yaml").unlink()
    (root / "pipe.yaml").unlink()
    manifests = load_manifests([Path(".")])
    assert [p.relative_to(root).as_posix() for p in manifests.files] == ["a.yaml", "inside.yaml"]
    assert sorted(r.name for r in manifests.resources) == ["A", "B"]


def test_a_path_through_dot_dot_finds_the_same_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "vars: {}\n",
            "team/a.yaml": assignment("A", build="    model: m\n    sop_file: ../sops/a.md\n"),
            "sops/a.md": "SOP A\n",
        },
    )
    monkeypatch.chdir(root / "team")
    manifests = load_manifests([Path("..")])
    assert manifests.project.root == root
    (loaded,) = manifests.resources
    assert isinstance(loaded, Assignment)
    assert loaded.spec.build.sop_text == "SOP A\n"
    assert manifests.digest == load_manifests([root]).digest

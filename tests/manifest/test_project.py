from __future__ import annotations

import os
from pathlib import Path

import pytest

from duvoform.errors import ProjectError
from duvoform.manifest.discover import find_root
from duvoform.manifest.project import Safety, load_project
from tests.manifest.helpers import make_project

PROJECT = """\
vars: {region: eu, nested: {a: 1, b: 2}, who: base}
environments:
  staging:
    var_files: [env/staging.yaml, env/shared.yaml]
    vars: {who: staging-inline}
  production: {var_files: [env/production.yaml]}
defaults:
  browsing: {provider: google, model: gemini-2.5-pro}
prune: {kinds: [Folder]}
safety:
  max_delete_fraction: 0.5
  kinds: {Connection: {min_delete_count: 2}}
"""


def project(tmp_path: Path, text: str = PROJECT, **files: str) -> Path:
    return make_project(
        tmp_path,
        {
            "duvoform.yaml": text,
            "env/staging.yaml": "who: staging-file\nnested: {b: 20, c: 30}\n",
            "env/shared.yaml": "# nothing shared yet\n",
            "env/production.yaml": "who: production\n",
            **files,
        },
    )


def test_variables_merge_in_documented_order(tmp_path: Path) -> None:
    root = project(tmp_path, **{"cli.yaml": "who: cli-file\nextra: 1\n"})
    settings = load_project(
        root,
        root / "duvoform.yaml",
        env="staging",
        cli_vars={"extra": "2"},
        var_files=[root / "cli.yaml"],
    )
    assert settings.vars == {
        "region": "eu",
        "nested": {"a": 1, "b": 20, "c": 30},  # mappings merge key by key
        "who": "cli-file",
        "extra": "2",
    }
    assert settings.environment == "staging"
    assert settings.environments == ("production", "staging")
    assert settings.settings_files == frozenset(
        {root / "env/staging.yaml", root / "env/shared.yaml", root / "env/production.yaml"}
    )


def test_inline_environment_vars_win_over_its_var_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert load_project(root, root / "duvoform.yaml", env="staging").vars["who"] == "staging-inline"
    assert load_project(root, root / "duvoform.yaml", env="production").vars["who"] == "production"
    assert load_project(root, root / "duvoform.yaml").vars["who"] == "base"


def test_defaults_prune_and_safety(tmp_path: Path) -> None:
    root = project(tmp_path)
    settings = load_project(root, root / "duvoform.yaml")
    assert settings.defaults.browsing is not None
    assert settings.defaults.browsing.model == "gemini-2.5-pro"
    assert settings.prune.kinds == ("Folder",)
    assert settings.safety.max_deletes("Folder", 100) == 50
    assert settings.safety.max_deletes("Folder", 4) == 10
    assert settings.safety.max_deletes("Connection", 3) == 2


def test_safety_defaults_are_thirty_percent_at_least_ten() -> None:
    safety = Safety()
    assert safety.max_deletes("Folder", 20) == 10
    assert safety.max_deletes("Folder", 100) == 30
    assert safety.max_deletes("Connection", 1000) == 300


def test_no_project_file_means_defaults(tmp_path: Path) -> None:
    settings = load_project(tmp_path, None)
    assert settings.vars == {}
    assert settings.prune.kinds == ()
    assert settings.defaults.browsing is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"env": "stagin"},
            'unknown environment "stagin" (defined: production, staging); did you mean "staging"?',
        ),
        ({"var_files": [Path("nope.yaml")]}, 'var file "nope.yaml" does not exist'),
    ],
)
def test_environment_and_var_file_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, object], message: str
) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    with pytest.raises(ProjectError) as exc:
        load_project(root, root / "duvoform.yaml", **kwargs)  # type: ignore[arg-type]
    assert exc.value.render() == message


def test_env_without_environments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match="no environments are defined"):
        load_project(tmp_path, None, env="staging")


def test_project_file_errors_are_located_and_all_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(
        tmp_path,
        "vars: {}\nenviroments: {}\nprune: {kinds: [Assignment]}\nsafety: {min_delete_count: -1}\n",
    )
    monkeypatch.chdir(root)
    with pytest.raises(ProjectError) as exc:
        load_project(root, root / "duvoform.yaml")
    assert exc.value.render().splitlines() == [
        'duvoform.yaml:2:1: enviroments: unknown field; did you mean "environments"?',
        "duvoform.yaml:3:16: prune.kinds: the Assignment kind cannot be pruned: the Duvo v1 API "
        "cannot delete assignments (undeclared ones are reported as unmanaged)",
        "duvoform.yaml:4:28: safety.min_delete_count: must be greater than or equal to 0",
    ]


def test_var_files_of_environments_may_not_leave_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path / "p", "environments: {x: {var_files: [../outside.yaml]}}\n")
    (tmp_path / "outside.yaml").write_text("a: 1\n")
    monkeypatch.chdir(root)
    with pytest.raises(ProjectError) as exc:
        load_project(root, root / "duvoform.yaml", env="x")
    assert exc.value.render() == (
        "duvoform.yaml:1:32: environments.x.var_files: "
        '"../outside.yaml" points outside the manifest root'
    )


def test_var_files_must_be_mappings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path, {"list.yaml": "- a\n- b\n", "two.yaml": "a: 1\n---\nb: 2\n"})
    monkeypatch.chdir(root)
    with pytest.raises(
        ProjectError, match=r"^list.yaml:1:1: var file must be a mapping, got a list$"
    ):
        load_project(root, None, var_files=[Path("list.yaml")])
    with pytest.raises(ProjectError, match=r"^two.yaml:3:1: var file must hold one YAML document$"):
        load_project(root, None, var_files=[Path("two.yaml")])


def test_a_var_file_must_be_a_regular_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /dev/zero never ends; a named pipe nobody writes would wait forever.
    root = make_project(tmp_path, {"a.yaml": "x: 1\n"})
    os.mkfifo(root / "pipe.yaml")
    monkeypatch.chdir(root)
    for given in (Path("/dev/zero"), Path("pipe.yaml")):
        with pytest.raises(ProjectError) as exc:
            load_project(root, None, var_files=[given])
        assert exc.value.render() == f'var file "{given}" is not a regular file'


def test_root_is_where_duvoform_yaml_is_searching_upwards(tmp_path: Path) -> None:
    root = project(tmp_path, **{"team/a/x.yaml": "", "team/b/y.yaml": ""})
    assert find_root([root / "team/a", root / "team/b/y.yaml"]) == (root, root / "duvoform.yaml")
    bare = make_project(tmp_path / "bare", {"team/x.yaml": ""})
    assert find_root([bare / "team"]) == (bare / "team", None)  # stops at the repository top

"""Compiling a template spends from the CPU budget of its rendering: a string whose lexing,
parsing, guarding or code generation runs past ``STRING_SECONDS`` is refused at its
file:line, as one whose rendering does."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.manifest import template_limits
from tests.manifest.helpers import make_project

# Renders nothing and calls nothing: all its cost is in compiling (the `if` is folded away).
_COMPILE_ONLY = "{% if false %}" + "{{ vars.a ~ 'b' }}" * 300 + "{% endif %}"


def _validate(root: Path) -> Result:
    return CliRunner().invoke(cli, ["--no-color", "validate", str(root)], catch_exceptions=False)


def _project(root: Path, name: str) -> Path:
    folder = f'apiVersion: duvoform/v1\nkind: Folder\nmetadata:\n  name: "{name}"\n'
    return make_project(root, {"f.yaml": folder})


def test_a_template_whose_compile_passes_the_budget_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, _COMPILE_ONLY)
    monkeypatch.setattr(template_limits, "STRING_SECONDS", 0.0)
    result = _validate(root)
    assert result.exit_code == 1, result.output
    assert f"{root / 'f.yaml'}:4:9: " in result.output
    assert "template not allowed: the template took more than 0 s of CPU" in result.output
    assert "Traceback" not in result.output


def test_compiling_counts_towards_the_manifest_sets_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, _COMPILE_ONLY)
    monkeypatch.setattr(template_limits, "SET_SECONDS", 0.0)
    result = _validate(root)
    assert result.exit_code == 1, result.output
    assert "templates of this manifest set took more than 0 s of CPU" in result.output


def test_within_the_budget_the_same_template_compiles_and_renders(tmp_path: Path) -> None:
    root = _project(tmp_path, "Ops" + _COMPILE_ONLY)
    result = _validate(root)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "source",
    [
        "{% if x %}" * 200 + "y" + "{% endif %}" * 200,
        "{% for i in x %}" * 200 + "y" + "{% endfor %}" * 200,
        "{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}",
    ],
    ids=["ifs", "fors", "parens"],
)
def test_a_template_nested_too_deep_to_compile_is_refused_at_its_line(
    source: str, tmp_path: Path
) -> None:
    root = _project(tmp_path, source)
    result = _validate(root)
    assert result.exit_code == 1, result.output
    assert f"{root / 'f.yaml'}:4:9: " in result.output
    assert "template not allowed: it nests too deep" in result.output

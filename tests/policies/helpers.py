"""A manifest root with policies, run through the real CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from duvoform.cli import cli
from tests.manifest.helpers import assignment, docs, folder, make_project

__all__ = ["TEAM", "root_with", "validate"]

TEAM = docs(
    folder("Finance"),
    assignment("Cash report", spec="  folder: Finance\n"),
    assignment("Audit", build="    model: gpt-4o\n    sop: Audit it.\n"),
)


def root_with(tmp_path: Path, policies: str, team: str = TEAM) -> Path:
    """A manifest root whose ``duvoform.yaml`` holds ``policies`` (YAML list items)."""
    return make_project(tmp_path, {"duvoform.yaml": f"policies:\n{policies}", "team.yaml": team})


def validate(root: Path) -> Result:
    """``duvoform validate ROOT`` in process."""
    return CliRunner().invoke(cli, ["validate", str(root)], catch_exceptions=False)

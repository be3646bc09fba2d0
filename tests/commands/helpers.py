"""A small manifest root for command tests: a folder, an assignment in it, an OAuth connection."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TEAM", "write_root"]

TEAM = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Finance}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Cash report}
spec:
  folder: Finance
  build: {model: claude-sonnet-4-6, sop: Report the cash position.}
---
apiVersion: duvoform/v1
kind: Connection
metadata: {name: Inbox}
spec:
  oauth: {flow: native, provider: gmail}
"""


def write_root(work: Path, *more: str, project: str = "apiVersion: duvoform/v1\n") -> Path:
    """Make ``work`` a repository whose manifest root ``m/`` holds ``duvoform.yaml``
    (``project``) and ``team.yaml`` (``TEAM`` and the documents ``more``); return ``work``."""
    (work / ".git").mkdir(exist_ok=True)
    (work / "m").mkdir(exist_ok=True)
    (work / "m" / "duvoform.yaml").write_text(project)
    (work / "m" / "team.yaml").write_text("---\n".join([TEAM, *more]))
    return work

"""Helpers for tests that write small manifest trees."""

from __future__ import annotations

from pathlib import Path

HEADER = "apiVersion: duvoform/v1\n"


def make_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` under ``root`` and mark ``root`` as a repository top.

    The ``.git`` marker stops the manifest root search at ``root``, so that nothing above the
    temporary directory can influence a test.
    """
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def folder(name: str, parent: str | None = None, *, extra: str = "") -> str:
    """A Folder document."""
    spec = f"spec: {{parent: {parent}}}\n" if parent else ""
    return f"{HEADER}kind: Folder\nmetadata: {{name: {name}}}\n{spec}{extra}"


def assignment(name: str, *, build: str = "", spec: str = "", metadata: str = "") -> str:
    """An Assignment document; ``build`` lines are added under ``spec.build`` (4 spaces)."""
    body = build or "    model: claude-sonnet-4-6\n    sop: Do the work.\n"
    return (
        f"{HEADER}kind: Assignment\nmetadata:\n  name: {name}\n{metadata}"
        f"spec:\n{spec}  build:\n{body}"
    )


def connection(name: str, spec: str) -> str:
    """A Connection document; ``spec`` lines are indented by two spaces."""
    return f"{HEADER}kind: Connection\nmetadata: {{name: {name}}}\nspec:\n{spec}"


def docs(*documents: str) -> str:
    """Documents joined into one multi-document file."""
    return "---\n".join(documents)

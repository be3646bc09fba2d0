"""Commands stay thin: small modules that call the library, never the API's HTTP directly."""

from __future__ import annotations

import ast
from pathlib import Path

COMMANDS = Path(__file__).resolve().parents[2] / "duvoform" / "commands"
MODULES = sorted(COMMANDS.glob("*.py"))


def test_no_command_module_is_over_150_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    assert len(sizes) > 10
    assert {name: size for name, size in sizes.items() if size > 150} == {}


def test_no_command_sends_raw_http() -> None:
    offenders = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = node.module if isinstance(node, ast.ImportFrom) else None
                if "httpx" in names or module == "httpx":
                    offenders.append(f"{path.name}: imports httpx")
            elif isinstance(node, ast.Attribute) and node.attr == "http":
                offenders.append(f"{path.name}:{node.lineno}: .http")
    assert offenders == []

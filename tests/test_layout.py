"""The package's floor plan, as ARCHITECTURE.md describes it, checked on the source.

These read the code rather than run it: they fail when a change puts a kind's knowledge
outside its home, lets the API client depend on the emulator or the kinds, or grows a module
past the sizes the style guide sets.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "duvoform"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)

KIND_SWITCH = re.compile(r"""\bkind\s*==\s*["']""")


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_walk_finds_the_package() -> None:
    assert len(MODULES) > 100
    assert PACKAGE / "kinds" / "registry.py" in MODULES


def test_no_kind_name_switch_outside_the_kinds_homes() -> None:
    offenders = [
        f"{relative(path)}:{number}"
        for path in MODULES
        if "kinds" not in path.relative_to(PACKAGE).parts[:1]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if KIND_SWITCH.search(line)
    ]
    assert offenders == []


def test_the_switch_pattern_finds_a_switch() -> None:
    assert KIND_SWITCH.search('    if node.kind == "Connection":')
    assert not KIND_SWITCH.search("    if change.kind == Folder.KIND:")


@pytest.mark.parametrize("forbidden", ["duvoform.emulator", "duvoform.kinds", "duvoform.local"])
def test_the_api_client_depends_on_neither_the_emulator_nor_the_kinds(forbidden: str) -> None:
    offenders = [
        relative(path)
        for path in MODULES
        if path.relative_to(PACKAGE).parts[0] == "api"
        for module in imported_modules(path)
        if module == forbidden or module.startswith(forbidden + ".")
    ]
    assert offenders == []


def test_no_module_is_over_400_lines() -> None:
    sizes = {relative(p): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert {name: size for name, size in sizes.items() if size > 400} == {}


def test_no_module_or_package_is_named_like_the_standard_library() -> None:
    names = set(sys.stdlib_module_names)
    offenders = [
        relative(path)
        for path in [*MODULES, *(p for p in PACKAGE.rglob("*") if p.is_dir())]
        if "__pycache__" not in path.parts
        and (path.stem if path.suffix == ".py" else path.name) in names
    ]
    assert offenders == []

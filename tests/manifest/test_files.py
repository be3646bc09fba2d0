"""FileResolver: the real path of each file, with each directory resolved once per load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from duvoform.manifest.files import FileFault, FileResolver, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "team" / "sops").mkdir(parents=True)
    (tmp_path / "team" / "sops" / "a.md").write_text("A")
    (tmp_path / "outside.md").write_text("secret")
    return tmp_path / "team"


def test_files_inside_resolve_to_their_lexical_path(root: Path) -> None:
    resolver = FileResolver(root)
    assert resolver.resolve(root / "sops", "a.md") == root / "sops" / "a.md"
    assert resolver.resolve(root, "sops/../sops/a.md") == root / "sops" / "a.md"
    assert resolver.resolve(root / "sops", "missing.md") == root / "sops" / "missing.md"


def test_a_file_that_links_out_is_refused_in_a_directory_already_resolved(root: Path) -> None:
    resolver = FileResolver(root)
    resolver.resolve(root / "sops", "a.md")
    (root / "sops" / "link.md").symlink_to(root.parent / "outside.md")
    with pytest.raises(FileFault, match="points outside the manifest root"):
        resolver.resolve(root / "sops", "link.md")


def test_a_link_to_a_hidden_file_inside_is_refused(root: Path) -> None:
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("x")
    (root / "sops" / "config.md").symlink_to(root / ".git" / "config")
    with pytest.raises(FileFault, match=r'hidden directory or file \("\.git"\)'):
        FileResolver(root).resolve(root / "sops", "config.md")


def test_a_directory_that_links_out_is_refused(root: Path) -> None:
    (root.parent / "elsewhere").mkdir()
    (root.parent / "elsewhere" / "b.md").write_text("B")
    (root / "shared").symlink_to(root.parent / "elsewhere")
    with pytest.raises(FileFault, match="points outside the manifest root"):
        FileResolver(root).resolve(root, "shared/b.md")


def test_a_new_resolver_sees_a_directory_replaced_by_a_link(root: Path) -> None:
    assert FileResolver(root).resolve(root / "sops", "a.md") == root / "sops" / "a.md"
    os.rename(root / "sops", root.parent / "moved")
    (root / "sops").symlink_to(root.parent / "moved")
    with pytest.raises(FileFault, match="points outside the manifest root"):
        resolve_inside(root, root / "sops", "a.md")


def test_climbing_out_and_absolute_paths_are_refused(root: Path) -> None:
    resolver = FileResolver(root)
    with pytest.raises(FileFault, match="points outside the manifest root"):
        resolver.resolve(root / "sops", "../../outside.md")
    with pytest.raises(FileFault, match="is absolute"):
        resolver.resolve(root, str(root.parent / "outside.md"))

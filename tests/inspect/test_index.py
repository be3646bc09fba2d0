from __future__ import annotations

from pathlib import Path

from duvoform.api.models import Agent
from duvoform.inspect.index import NameIndex


def test_the_index_survives_a_save_and_is_kept_per_api(tmp_path: Path) -> None:
    index = NameIndex.load(tmp_path, "https://api.duvo.ai")
    assert len(index) == 0
    index.replace([Agent(id="1", name="A"), Agent(id="2", name="B"), Agent(id="3", name="A")])
    index.save()
    again = NameIndex.load(tmp_path, "https://api.duvo.ai")
    assert again.ids_named("A") == ("1", "3")
    assert again.name_of("2") == "B"
    assert again.names() == ("A", "B")
    again.remember([Agent(id="2", name="C")])
    assert again.ids_named("B") == ()
    assert len(NameIndex.load(tmp_path, "http://127.0.0.1:8787")) == 0
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_broken_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    index = NameIndex.load(tmp_path, "local")
    index.path.parent.mkdir(parents=True)
    for content in ("{not json", "[]", '{"format": 1, "api_url": "other", "assignments": {}}'):
        index.path.write_text(content)
        assert len(NameIndex.load(tmp_path, "local")) == 0

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from duvoform.api.models import Agent
from duvoform.lookup.index import NameIndex

ID1, ID2, ID3 = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


def test_the_index_survives_a_save_and_is_kept_per_api(tmp_path: Path) -> None:
    index = NameIndex.load(tmp_path, "https://api.duvo.ai")
    assert len(index) == 0
    index.replace([Agent(id=ID1, name="A"), Agent(id=ID2, name="B"), Agent(id=ID3, name="A")])
    index.save()
    again = NameIndex.load(tmp_path, "https://api.duvo.ai")
    assert again.ids_named("A") == (ID1, ID3)
    assert again.name_of(ID2) == "B"
    assert again.names() == ("A", "B")
    again.remember([Agent(id=ID2, name="C")])
    assert again.ids_named("B") == ()
    assert len(NameIndex.load(tmp_path, "http://127.0.0.1:8787")) == 0
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_broken_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    index = NameIndex.load(tmp_path, "local")
    index.path.parent.mkdir(parents=True)
    for content in ("{not json", "[]", '{"format": 1, "api_url": "other", "assignments": {}}'):
        index.path.write_text(content)
        assert len(NameIndex.load(tmp_path, "local")) == 0


def test_an_entry_whose_key_is_not_an_id_is_dropped(tmp_path: Path) -> None:
    # Read as is, a hand-edited key would be sent to GET /v1/agents/{id} and refused with 400.
    index = NameIndex.load(tmp_path, "local")
    index.path.parent.mkdir(parents=True)
    entries = {"not-an-id": "A", ID1: "A", ID2: 7}
    index.path.write_text(json.dumps({"format": 1, "api_url": "local", "assignments": entries}))
    assert NameIndex.load(tmp_path, "local").ids_named("A") == (ID1,)


def test_an_unwritable_index_warns_once_and_an_unchanged_one_is_not_rewritten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "state"
    blocked.write_text("a file where the state directory should be")
    index = NameIndex.load(blocked, "local")
    index.replace([Agent(id=ID1, name="A")])
    with caplog.at_level(logging.WARNING, logger="duvoform.lookup"):
        assert index.save() is False
        assert index.save() is False
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"cannot write the name index {index.path}"
    ]

    index = NameIndex.load(tmp_path, "local")
    index.replace([Agent(id=ID1, name="A")])
    assert index.save() is True
    index.path.write_text(index.path.read_text() + " ")  # marks the file as this test's
    again = NameIndex.load(tmp_path, "local")
    again.replace([Agent(id=ID1, name="A")])  # the same as on disk: nothing to write
    assert again.save() is True
    assert index.path.read_text().endswith(" ")
    again.replace([Agent(id=ID2, name="B")])
    assert again.save() is True
    assert not index.path.read_text().endswith(" ")

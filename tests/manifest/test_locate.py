from __future__ import annotations

from pathlib import Path

from duvoform.errors import Location
from duvoform.manifest.locate import SourceMap

TEXT = """\
first: 1
---
apiVersion: duvoform/v1
spec:
  build:
    model: m
    skills: [a, b]
  base: &b {x: 1}
  merged:
    <<: *b
"""


def test_locate_values_keys_missing_fields_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(TEXT)
    sources = SourceMap()
    sources.register(path, "m.yaml")

    def at(field: tuple[str | int, ...], key: bool = False) -> tuple[int, int]:
        loc = sources.locate(path, 1, field, key=key)
        assert loc.file == "m.yaml"
        return loc.line, loc.col

    assert at(("spec", "build", "model")) == (6, 12)
    assert at(("spec", "build", "model"), key=True) == (6, 5)
    assert at(("spec", "build", "skills", 1)) == (7, 17)
    assert at(("spec", "build", "sop")) == (5, 3)  # missing: the mapping it is missing from
    assert at(("nope",)) == (3, 1)  # missing at the top: the document start
    assert at(("spec", "merged", "x")) == (8, 16)  # found through a YAML merge
    assert sources.locate(path, 7, ("spec",)) == Location("m.yaml", 1, 1)

from __future__ import annotations

import yaml

from duvoform.errors import Location, Problem
from duvoform.manifest import parse
from duvoform.manifest.parse import MAX_ALIAS_EXPANSION, decode, parse_documents


def reasons(text: str) -> list[str]:
    return [p.render() for p in parse_documents(text, "f.yaml").problems]


def test_documents_match_the_c_loader_and_carry_their_start() -> None:
    text = "a: 1\nb: [x, {c: 2.5, d: null, e: true}]\n---\n# comment\nz: 'q'\n"
    parsed = parse_documents(text, "f.yaml")
    assert [d.data for d in parsed.documents] == list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    assert [(d.index, d.line, d.col) for d in parsed.documents] == [(0, 1, 1), (1, 5, 1)]
    assert parsed.problems == ()


def test_timestamps_stay_text_and_merge_keys_work() -> None:
    text = "when: 2026-01-31\nbase: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n"
    (document,) = parse_documents(text, "f.yaml").documents
    assert document.data["when"] == "2026-01-31"
    assert document.data["d"] == {"x": 1, "y": 3}


def test_duplicate_keys_are_errors_at_the_second_key() -> None:
    assert reasons("a: 1\nb:\n  c: 1\n  c: 2\n") == [
        'f.yaml:4:3: duplicate key "c" (first at line 3); '
        "YAML would silently keep only the last value"
    ]


def test_a_bad_document_does_not_hide_the_next_one() -> None:
    parsed = parse_documents("a: 1\na: 2\n---\nb: 1\n", "f.yaml")
    assert [d.data for d in parsed.documents] == [{"b": 1}]
    assert len(parsed.problems) == 1


def test_billion_laughs_is_refused_after_bounded_work(monkeypatch) -> None:
    levels = ["l0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    text = "\n".join(levels) + "\n"
    visited = 0
    original = parse._Measure.size

    def counting(self: parse._Measure, node: object, depth: int) -> int:
        nonlocal visited
        visited += 1
        return original(self, node, depth)  # type: ignore[arg-type]

    monkeypatch.setattr(parse._Measure, "size", counting)
    problems = reasons(text)
    assert problems == [
        f"f.yaml:5:5: YAML aliases expand this value to more than {MAX_ALIAS_EXPANSION} nodes "
        "(a 'billion laughs' pattern); refusing to load it"
    ]
    # 10**12 nodes when expanded; measuring stops after a few hundred node visits.
    assert visited < 1000


def test_legitimate_aliases_are_expanded() -> None:
    (document,) = parse_documents("a: &x {k: [1, 2]}\nb: *x\n", "f.yaml").documents
    assert document.data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}
    assert document.data["a"] is not document.data["b"]  # copies, never shared structure


def test_recursive_and_undefined_aliases() -> None:
    assert reasons("a: &x [1, *x]\n") == [
        "f.yaml:1:4: a YAML alias refers to a value that contains it (a recursive structure)"
    ]
    assert reasons("a: *nope\n") == ["f.yaml:1:4: YAML syntax error: found undefined alias"]


def test_tabs_empty_documents_and_empty_files() -> None:
    assert reasons("a:\n\tb: 1\n") == [
        "f.yaml:2:1: a tab character cannot be used here; YAML indentation must use spaces"
    ]
    assert reasons("a: 1\n---\n") == [
        "f.yaml:2:1: empty YAML document; remove the extra '---' or add content"
    ]
    assert reasons("# nothing\n") == ["f.yaml:1:1: the file holds no YAML documents"]
    assert parse_documents("# nothing\n", "f.yaml", allow_empty=True).problems == ()


def test_unsupported_tags_deep_nesting_and_unhashable_keys() -> None:
    assert reasons("a: !!set {x}\n")[0].startswith('f.yaml:1:4: unsupported YAML tag "!!set"')
    assert reasons("a: !custom x\n")[0].startswith('f.yaml:1:4: unsupported YAML tag "!custom"')
    deep = "a: " + "[" * 150 + "]" * 150 + "\n"
    assert reasons(deep)[0].endswith("values are nested more than 100 levels deep")
    assert reasons("? [a]\n: b\n") == ["f.yaml:1:3: a mapping key must be a plain value"]


def test_syntax_errors_name_the_line() -> None:
    assert reasons("a: [1, 2\nb: 3\n") == [
        "f.yaml:2:2: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 1, column 4)"
    ]


def test_decode_rejects_invalid_utf8_with_its_position_and_drops_a_bom() -> None:
    assert decode("\ufeffa: 1\n".encode(), "f.yaml") == "a: 1\n"
    problem = decode(b"a: 1\nb: caf\xe9\n", "f.yaml")
    assert problem == Problem(
        Location("f.yaml", 2, 7), ("not valid UTF-8 (byte 0xe9); manifests must be UTF-8 text",)
    )

from __future__ import annotations

from duvoform.engine.plan import FieldChange
from duvoform.redact import REDACTED as SENSITIVE
from duvoform.render.values import format_value, printable, shorten, shown_fields, summary_sentence
from tests.render import plans


def test_format_value_is_json_with_sorted_keys() -> None:
    assert format_value({"b": [1, None], "a": True}) == '{"a": true, "b": [1, null]}'
    assert format_value("Café") == '"Café"'
    assert format_value("two\nlines") == '"two\\nlines"'


def test_format_value_shortens_long_values() -> None:
    text = format_value("x" * 200, limit=20)
    assert len(text) == 20
    assert text.endswith("…")
    assert len(format_value("x" * 200, limit=None)) == 202


def test_shorten() -> None:
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"


def test_printable_escapes_controls_and_bidi_but_keeps_tabs() -> None:
    assert printable("a\x1b[2Jb\tc\rd\u202ee\x85") == "a\\x1b[2Jb\tc\\rd\\u202ee\\x85"


def test_summary_sentence() -> None:
    assert summary_sentence(plans.empty()) == "No changes. Live state matches the manifests."
    assert summary_sentence(plans.delete()) == (
        "Plan: 0 to create, 0 to update, 0 to build, 1 to delete, 0 to authorize (3 unchanged)."
    )


def test_shown_fields_opens_mappings_and_redacts() -> None:
    field = FieldChange(
        "headers",
        {"plaintext": {"X-Org": "acme", "X-Old": "1"}, "secret": {"A": "leak"}},
        {"plaintext": {"X-Org": "acme"}, "secret": {"A": {"env": "A"}}},
    )
    assert shown_fields(field) == (
        FieldChange("headers.plaintext.X-Old", "1", None),
        FieldChange("headers.secret.A", SENSITIVE, {"env": "A"}),
    )


def test_shown_fields_keeps_other_values_whole() -> None:
    field = FieldChange("build.skills", ["a"], ["a", "b"])
    assert shown_fields(field) == (field,)
    create = FieldChange("oauth", None, {"provider": "gmail"})
    assert shown_fields(create) == (create,)

from __future__ import annotations

from duvoform.text import MAX_SHOWN, did_you_mean, quote, shorten, suggest


def test_shorten_cuts_long_values_and_says_how_long_they_were() -> None:
    assert shorten("short") == "short"
    cut = shorten("x" * 5_000_000)
    assert len(cut) < MAX_SHOWN + 30
    assert cut.endswith("(5000000 characters)")


def test_quote_escapes_quotes_and_control_characters() -> None:
    assert quote("plain") == '"plain"'
    assert quote('say "hi"') == '"say \\"hi\\""'
    assert quote("a\nb") == '"a\\nb"'
    assert quote(42) == '"42"'


def test_suggestions() -> None:
    assert suggest("slak_enabled", ["slack_enabled", "folder"]) == "slack_enabled"
    assert suggest("FOLDER", ["folder"]) == "folder"
    assert suggest("zzz", ["folder"]) is None
    assert suggest("x" * 1000, ["x"]) is None  # huge input is not compared at all
    assert did_you_mean("Vendor lookp", ["Vendor lookup"]) == '; did you mean "Vendor lookup"?'
    assert did_you_mean("zzz", ["Vendor lookup"]) == ""

"""The output sanitiser: escapes, CI log commands, JSON text and the guarded sink."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from duvoform.sanitise import (
    GuardedStream,
    SafeLogFormatter,
    guarded_output,
    json_text,
    neutralise,
    printable,
)

CONTROLS = (
    [chr(code) for code in range(0x20) if code != 0x09]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
)


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_printable_shows_every_control_character_as_an_escape(char: str) -> None:
    shown = printable(f"a{char}b")
    assert shown.startswith("a\\")
    assert shown.endswith("b")
    assert char not in shown


def test_printable_names_line_breaks_and_keeps_tabs_unless_asked() -> None:
    assert printable("a\nb\rc\td") == "a\\nb\\rc\td"
    assert printable("a\tb", tabs=False) == "a\\tb"
    assert printable("\x1b]52;c;Zm9v\x07") == "\\x1b]52;c;Zm9v\\x07"
    assert printable("\u202eevil") == "\\u202eevil"
    assert printable("plain text, ünïcödé") == "plain text, ünïcödé"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("::error title=x::y", "\\u003a:error title=x::y"),
        ("  ::warning::w", "  \\u003a:warning::w"),
        ("##[error]x", "\\u0023#[error]x"),
        ("##vso[task.setvariable]x", "\\u0023#vso[task.setvariable]x"),
        ("ok ##vso[task.complete]", "ok \\u0023#vso[task.complete]"),
        ("section_start:1:x", "\\u0073ection_start:1:x"),
        ("section_end:1:x", "\\u0073ection_end:1:x"),
        ("a::b", "a::b"),
        ("# heading", "# heading"),
    ],
)
def test_ci_log_commands_are_neutralised(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert neutralise(text) == shown


def test_json_text_stays_valid_json_with_no_raw_characters() -> None:
    value = {"name": "a\u202eb\x85c\u2028d\x7f ##vso[x]", "n": "\x1b"}
    text = json_text(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    assert not any(ch in text for ch in "\u202e\x85\u2028\x7f\x1b")
    assert "##vso[" not in text


def _guarded(*writes: str, flush_each: bool = True) -> str:
    target = io.StringIO()
    stream = GuardedStream(target)
    for text in writes:
        stream.write(text)
        if flush_each:
            stream.flush()
    stream.release()
    return target.getvalue()


def test_the_sink_neutralises_a_command_at_any_line_start() -> None:
    assert _guarded("ok\n::error::x\n") == "ok\n\\u003a:error::x\n"
    assert _guarded("a\r  ##[group]g\n") == "a\r  \\u0023#[group]g\n"
    assert _guarded("x ##vso[task.complete]\n") == "x \\u0023#vso[task.complete]\n"
    assert _guarded("section_end:1:x\n") == "\\u0073ection_end:1:x\n"


def test_a_command_split_across_writes_and_flushes_is_still_caught() -> None:
    assert _guarded("  ", ":", ":error::x\n") == "  \\u003a:error::x\n"
    assert _guarded(":", ":error\n", flush_each=False) == "\\u003a:error\n"
    assert _guarded("##", "vso[x]\n", flush_each=False) == "\\u0023#vso[x]\n"


def test_the_sink_passes_prompts_colours_and_plain_lines_through() -> None:
    assert _guarded("Apply? ", "yes\n") == "Apply? yes\n"
    assert _guarded("\x1b[31mred\x1b[0m\n") == "\x1b[31mred\x1b[0m\n"
    assert _guarded("a::b\n", "time: 12:00\n") == "a::b\ntime: 12:00\n"


def test_the_sink_escapes_controls_duvoform_never_writes() -> None:
    assert _guarded("bell\x07 \u202e \x85\n") == "bell\\u0007 \\u202e \\u0085\n"


def test_the_sink_holds_whitespace_until_the_line_goes_on() -> None:
    target = io.StringIO()
    stream = GuardedStream(target)
    stream.write("   ")
    stream.flush()
    assert target.getvalue() == ""
    stream.write("::x\n")
    assert target.getvalue() == "   \\u003a:x\n"


def test_the_sink_refuses_bytes_and_forwards_tty() -> None:
    stream = GuardedStream(io.StringIO())
    with pytest.raises(TypeError):
        stream.write(b"x")  # type: ignore[arg-type]
    assert stream.isatty() is False
    with pytest.raises(AttributeError):
        _ = stream.buffer  # no way around the guard


def test_guarded_output_wraps_and_restores_the_standard_streams() -> None:
    before = sys.stdout, sys.stderr
    with guarded_output():
        assert isinstance(sys.stdout, GuardedStream)
        assert isinstance(sys.stderr, GuardedStream)
        with guarded_output():  # nested: no second layer
            assert not isinstance(sys.stdout.target, GuardedStream)  # type: ignore[attr-defined]
    assert (sys.stdout, sys.stderr) == before


def test_log_messages_are_shown_printable() -> None:
    record = logging.LogRecord(
        "duvoform", logging.WARNING, "f", 1, "x %s", ("\x1b]0;t\x07\n::e",), None
    )
    text = SafeLogFormatter("%(levelname)s %(message)s").format(record)
    assert text == "WARNING x \\x1b]0;t\\x07\\n::e"

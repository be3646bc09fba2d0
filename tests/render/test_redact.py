from __future__ import annotations

import pytest

from duvoform.render.redact import SENSITIVE, is_reference, is_secret_path, redact


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("headers.secret", True),
        ("headers.secret.Authorization", True),
        ("spec.headers.secret.X", True),
        (("headers", "secret"), True),
        ("headers", False),
        ("headers.plaintext.secret", False),
        ("secret", False),
        ("build.sop", False),
    ],
)
def test_is_secret_path(path: str, expected: bool) -> None:
    assert is_secret_path(path) is expected


def test_references() -> None:
    assert is_reference({"env": "TOKEN"})
    assert is_reference({"file": "secrets/t"})
    assert not is_reference({"env": "TOKEN", "file": "x"})
    assert not is_reference({"value": "TOKEN"})
    assert not is_reference({"env": 3})
    assert not is_reference("TOKEN")


def test_literal_under_headers_secret_is_replaced() -> None:
    assert redact("hunter2", "headers.secret.Authorization") == SENSITIVE
    assert redact({"Authorization": "hunter2"}, "headers.secret") == {"Authorization": SENSITIVE}
    assert redact(["a", {"env": "E"}], "headers.secret.X") == [SENSITIVE, {"env": "E"}]


def test_nested_secret_inside_a_wider_value() -> None:
    value = {
        "plaintext": {"X-Org": "acme"},
        "secret": {"A": "hunter2", "B": {"env": "B_TOKEN"}, "C": None, "D": ""},
    }
    assert redact(value, "headers") == {
        "plaintext": {"X-Org": "acme"},
        "secret": {"A": SENSITIVE, "B": {"env": "B_TOKEN"}, "C": None, "D": SENSITIVE},
    }
    spec = {"headers": value, "server_url": "https://x"}
    assert redact(spec, "spec")["headers"]["secret"]["A"] == SENSITIVE
    assert redact(spec)["server_url"] == "https://x"


def test_references_and_other_paths_are_untouched() -> None:
    ref = {"Authorization": {"env": "TOKEN"}}
    assert redact(ref, "headers.secret") is ref
    plain = {"plaintext": {"X-Org": "acme"}, "secret_word": "not a header"}
    assert redact(plain, "headers") is plain
    assert redact("hunter2", "headers.plaintext.X") == "hunter2"

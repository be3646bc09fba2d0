"""The one redaction module: by shape (headers, bodies, plan values) and by value (scrub)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator

import pytest

from duvoform.api.transport import api_error
from duvoform.redact import (
    REDACTED,
    forget_all,
    is_reference,
    is_secret_path,
    redact,
    redact_body,
    redact_headers,
    remember,
    scrub,
    scrub_error,
)


def test_authorization_keeps_only_its_scheme() -> None:
    safe = redact_headers({"Authorization": "Bearer dv_canary", "User-Agent": "duvoform/1"})
    assert safe == {"Authorization": f"Bearer {REDACTED}", "User-Agent": "duvoform/1"}


def test_connection_secret_headers_are_blanked_plaintext_kept() -> None:
    body = {
        "name": "x",
        "headers": {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": "canary-1"}},
    }
    safe = redact_body(body)
    assert safe["headers"]["plaintext"] == {"X-Org": "acme"}
    assert safe["headers"]["secret"] == {"Authorization": REDACTED}
    assert body["headers"]["secret"]["Authorization"] == "canary-1"  # input untouched


def test_probe_headers_and_composio_fields_are_blanked() -> None:
    safe = redact_body(
        {
            "server_url": "https://mcp.example.com",
            "headers": {"X-Api-Key": "canary-2"},
            "auth_fields": {"api_key": "canary-3"},
            "nested": [{"token": "canary-4"}],
        }
    )
    text = json.dumps(safe)
    assert "canary" not in text
    assert safe["server_url"] == "https://mcp.example.com"


def test_scrub_error_blanks_sent_secrets_wherever_the_api_quoted_them() -> None:
    error = api_error(
        "POST",
        "/v1/connections",
        422,
        {"error": "bad dv_canary", "message": "header 'Bearer dv_canary' is invalid"},
    )
    scrubbed = scrub_error(error, {"dv_canary", ""})
    assert scrubbed is error
    assert "dv_canary" not in str(error)
    assert "dv_canary" not in repr(error.args)
    assert error.api_message == "header 'Bearer ***' is invalid"
    assert error.body == {"error": "bad ***", "message": "header 'Bearer ***' is invalid"}
    assert scrub("a-b-ab", ["ab", "a-b"]) == "***-***"


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
    assert redact("hunter2", "headers.secret.Authorization") == REDACTED
    assert redact({"Authorization": "hunter2"}, "headers.secret") == {"Authorization": REDACTED}
    assert redact(["a", {"env": "E"}], "headers.secret.X") == [REDACTED, {"env": "E"}]


def test_nested_secret_inside_a_wider_value() -> None:
    value = {
        "plaintext": {"X-Org": "acme"},
        "secret": {"A": "hunter2", "B": {"env": "B_TOKEN"}, "C": None, "D": ""},
    }
    assert redact(value, "headers") == {
        "plaintext": {"X-Org": "acme"},
        "secret": {"A": REDACTED, "B": {"env": "B_TOKEN"}, "C": None, "D": REDACTED},
    }
    spec = {"headers": value, "server_url": "https://x"}
    assert redact(spec, "spec")["headers"]["secret"]["A"] == REDACTED
    assert redact(spec)["server_url"] == "https://x"


def test_references_and_other_paths_are_untouched() -> None:
    ref = {"Authorization": {"env": "TOKEN"}}
    assert redact(ref, "headers.secret") is ref
    plain = {"plaintext": {"X-Org": "acme"}, "secret_word": "not a header"}
    assert redact(plain, "headers") is plain
    assert redact("hunter2", "headers.plaintext.X") == "hunter2"


SECRET = "s3cr3t/+?&=value-with-é-and-more"


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        json.dumps(SECRET)[1:-1],
        json.dumps(json.dumps(SECRET))[3:-3],
        __import__("urllib.parse").parse.quote(SECRET, safe=""),
        __import__("urllib.parse").parse.quote_plus(SECRET),
        __import__("base64").b64encode(SECRET.encode()).decode(),
        __import__("base64").b64encode(b"user:" + SECRET.encode()).decode(),  # basic auth
        __import__("base64").urlsafe_b64encode(b"ab" + SECRET.encode()).decode(),
        "\n".join(SECRET[i : i + 5] for i in range(0, len(SECRET), 5)),  # folded
        SECRET[:9],  # cut at the end of a message
        SECRET[-9:],  # cut at its start
    ],
)
def test_scrub_removes_every_form_of_a_secret(form: str) -> None:
    text = scrub(f"the API said: <{form}> ok", [SECRET])
    assert text.startswith("the API said: <")
    assert text.endswith("> ok")
    assert REDACTED in text
    for i in range(len(SECRET) - 7):
        assert SECRET[i : i + 8] not in text


def test_scrub_keeps_text_without_secrets_and_short_pieces() -> None:
    assert scrub("nothing to see", [SECRET]) == "nothing to see"
    assert scrub("s3cr3t/ is 7 characters", [SECRET]) == "s3cr3t/ is 7 characters"


def test_remembered_secrets_are_scrubbed_until_forgotten() -> None:
    from duvoform.redact import forget_all, remember
    from duvoform.text import shorten

    remember("remembered-secret-1234567890")
    try:
        assert shorten("x" * 55 + "remembered-secret-1234567890", 60) == "x" * 55 + REDACTED
    finally:
        forget_all()
    assert scrub("remembered-secret-1234567890") == "remembered-secret-1234567890"


def test_scrub_prefix_scrubs_what_a_cut_keeps_whole() -> None:
    from duvoform.redact import scrub_prefix

    secret = "prefix-secret-0123456789abcdef"
    text = "a" * 50 + secret + "b" * 10_000
    # Cut first, then scrubbed: the 20 characters of the secret that the cut kept are found
    # as a fragment, but what followed the secret is lost to the cut.
    assert scrub(text[:70], [secret]) == "a" * 50 + REDACTED
    assert scrub(text[:60], [secret]) == "a" * 50 + REDACTED
    from duvoform.redact import forget_all, remember

    remember(secret)
    try:
        kept = scrub_prefix(text, 60)[:60]
    finally:
        forget_all()
    assert kept == "a" * 50 + REDACTED + "b" * 7


@pytest.fixture
def forgetting() -> Iterator[None]:
    """Forget what a test remembered, whatever happens in it."""
    forget_all()
    yield
    forget_all()


@pytest.mark.parametrize("prefix", [b"", b"x", b"xy"])
@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode])
def test_a_secret_ending_a_base64_blob_goes_with_its_padding(
    prefix: bytes, encode: Callable[[bytes], bytes]
) -> None:
    blob = encode(prefix + SECRET.encode()).decode()
    assert blob.count("=") == {b"": 0, b"x": 2, b"xy": 1}[prefix]
    first = -(-8 * len(prefix) // 6)  # characters that carry bits of the prefix are kept
    assert scrub(f"<{blob}>", [SECRET]) == f"<{blob[:first]}{REDACTED}>"


def test_a_secret_one_byte_into_a_base64_blob() -> None:
    blob = base64.b64encode(b"x" + SECRET.encode() + b"yz").decode()
    assert "=" not in blob
    # Characters 2-44 carry only the secret's bits; 1 and 45 mix in the bytes either side.
    assert scrub(f"<{blob}>", [SECRET]) == f"<{blob[:2]}{REDACTED}{blob[45:]}>"


@pytest.mark.usefixtures("forgetting")
def test_a_one_character_secret_is_scrubbed_only_as_a_word() -> None:
    remember("1")
    assert scrub("Make Money MMM 1") == f"Make Money MMM {REDACTED}"
    assert scrub("max 10 1x x1 2.1") == f"max 10 1x x1 2.{REDACTED}"
    assert scrub("code=1&next=2") == f"code={REDACTED}&next=2"
    assert scrub("MQ== is 1 encoded") == f"{REDACTED} is {REDACTED} encoded"


def test_a_short_secret_leaves_uuids_whole() -> None:
    uuid = "7c9e3f2a-41d5-4b8e-9f3a-3f2a5c6d7e8f"
    assert scrub(f"assignment {uuid} updated", ["3f2a"]) == f"assignment {uuid} updated"
    assert scrub("key 3f2a rejected", ["3f2a"]) == f"key {REDACTED} rejected"
    # A group that is the secret itself cannot be told from it: the secret never shows whole.
    assert scrub("id 0000-3f2a-1111", ["3f2a"]) == f"id 0000-{REDACTED}-1111"


def test_a_short_secret_is_not_found_folded_or_cut() -> None:
    assert scrub("a b c, ab", ["abc"]) == "a b c, ab"
    assert scrub("say abc.", ["abc"]) == f"say {REDACTED}."
    assert scrub("abc_def", ["abc"]) == "abc_def"  # an identifier that holds it is one word


def test_a_short_secret_edged_with_punctuation_needs_no_boundary_there() -> None:
    assert scrub("a-x y-xz -x", ["-x"]) == f"a{REDACTED} y-xz {REDACTED}"


def test_short_base64_fragments_are_not_searched() -> None:
    encoded = base64.b64encode(b"hello").decode()
    assert encoded == "aGVsbG8="
    assert scrub("aGVsbGVy and dGVsbG", ["hello"]) == "aGVsbGVy and dGVsbG"
    assert scrub(f"token {encoded}", ["hello"]) == f"token {REDACTED}"


@pytest.mark.usefixtures("forgetting")
def test_secrets_remembered_one_by_one_are_all_scrubbed() -> None:
    values = [f"token-{i:04d}-{'abcdefgh'[i % 8 :]}" for i in range(40)] + ["pw1", "pw22"]
    for value in [*values, *values]:
        remember(value)
    assert scrub(", ".join(values)) == ", ".join([REDACTED] * len(values))
    assert scrub("xpw1 pw1x pw1") == f"xpw1 pw1x {REDACTED}"
    assert scrub("one-off-secret-99", ["one-off-secret-99"]) == REDACTED
    assert scrub("one-off-secret-99") == "one-off-secret-99"  # passed, not remembered
    assert scrub("token-0039-h") == REDACTED

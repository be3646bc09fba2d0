from __future__ import annotations

import json

from duvoform.api.redact import REDACTED, redact_body, redact_headers, scrub_error, scrub_text
from duvoform.api.transport import api_error


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
    assert scrub_text("a-b-ab", ["ab", "a-b"]) == "***-***"

"""Header drift: what is compared (names, plaintext values), and the PATCH that fixes it."""

from __future__ import annotations

from typing import Any

import pytest

from duvoform.api.models import Connection as LiveConnection
from duvoform.api.models import ConnectionCredentials
from duvoform.engine.steps import secret
from duvoform.kinds import HeaderSet, SecretRef
from duvoform.kinds.connection.headers import ROTATED, diff_headers, live_headers


def _desired(plaintext: dict[str, str] | None = None, secrets: tuple[str, ...] = ()) -> HeaderSet:
    return HeaderSet.model_validate(
        {
            "plaintext": plaintext or {},
            "secret": {n: {"env": f"ENV_{i}"} for i, n in enumerate(secrets)},
        }
    )


def _live(has_headers: bool | None = True) -> LiveConnection:
    return LiveConnection(id="c1", name="C", has_headers=has_headers)


def _creds(**headers: str) -> ConnectionCredentials:
    return ConnectionCredentials(
        id="c1", headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


def _marker(ref: SecretRef) -> dict[str, Any]:
    return secret(ref.to_json())


def test_live_headers_split_on_blank_values() -> None:
    found = live_headers(_creds(X_Org="acme", Authorization=""))
    assert found.plaintext == {"X-Org": "acme"}
    assert found.secret == {"Authorization"}
    assert found.names == {"X-Org", "Authorization"}


def test_equal_headers_need_nothing() -> None:
    desired = _desired({"X-Org": "acme"}, ("Authorization",))
    out = diff_headers(desired, _live(), _creds(X_Org="acme", Authorization=""), _marker)
    assert not out.changed
    assert out.fields == []


@pytest.mark.parametrize(
    ("live", "desired", "plaintext", "secrets"),
    [
        ({"X-Org": "acme"}, _desired({"X-Org": "globex"}), {"X-Org": "globex"}, {}),
        ({"X-Org": "acme", "X-Old": "1"}, _desired({"X-Org": "acme"}), {"X-Org": "acme"}, {}),
        ({}, _desired({"X-Org": "acme"}), {"X-Org": "acme"}, {}),
        (
            {"Authorization": ""},
            _desired({}, ("Authorization", "X-Key")),
            {},
            {"Authorization": "", "X-Key": {"$secret": {"env": "ENV_1"}}},
        ),
        (
            {"Authorization": "open"},
            _desired({}, ("Authorization",)),
            {},
            {"Authorization": {"$secret": {"env": "ENV_0"}}},
        ),
        ({"Authorization": ""}, _desired({"Authorization": "open"}), {"Authorization": "open"}, {}),
        (
            {"Authorization": "", "X-Gone": ""},
            _desired({}, ("Authorization",)),
            {},
            {"Authorization": ""},
        ),
    ],
    ids=[
        "plaintext-value",
        "plaintext-removed",
        "plaintext-added",
        "secret-added-kept",
        "plaintext-to-secret",
        "secret-to-plaintext",
        "secret-removed",
    ],
)
def test_any_difference_sends_both_sections_in_full(
    live: dict[str, str], desired: HeaderSet, plaintext: dict[str, str], secrets: dict[str, Any]
) -> None:
    credentials = ConnectionCredentials(id="c1", headers=live)
    out = diff_headers(desired, _live(bool(live)), credentials, _marker)
    assert out.changed
    assert out.value == {"plaintext": plaintext, "secret": secrets}
    assert out.sends_secrets == any(isinstance(v, dict) for v in secrets.values())


def test_an_empty_plaintext_value_matches_a_blank_live_value() -> None:
    out = diff_headers(_desired({"X-Flag": ""}), _live(), _creds(X_Flag=""), _marker)
    assert not out.changed


def test_rotation_sends_every_secret_value_and_says_so() -> None:
    desired = _desired({"X-Org": "acme"}, ("Authorization", "X-Key"))
    credentials = _creds(X_Org="acme", Authorization="", X_Key="")
    out = diff_headers(desired, _live(), credentials, _marker, rotate=True)
    assert out.value == {
        "plaintext": {"X-Org": "acme"},
        "secret": {
            "Authorization": {"$secret": {"env": "ENV_0"}},
            "X-Key": {"$secret": {"env": "ENV_1"}},
        },
    }
    (field,) = out.fields
    assert field.path == "headers.secret"
    assert field.before == {"Authorization": ROTATED, "X-Key": ROTATED}
    assert out.notes == [
        "secret header values are sent again (--rotate-secrets): Authorization, X-Key"
    ]


def test_rotation_without_secret_headers_is_nothing() -> None:
    out = diff_headers(
        _desired({"X-Org": "acme"}), _live(), _creds(X_Org="acme"), _marker, rotate=True
    )
    assert not out.changed


def test_a_kept_secret_shows_as_unchanged_and_a_new_one_as_null_to_reference() -> None:
    desired = _desired({}, ("Authorization", "X-Key"))
    out = diff_headers(desired, _live(), _creds(Authorization=""), _marker)
    (field,) = out.fields
    assert field.before == {"Authorization": {"env": "ENV_0"}}
    assert field.after == {"Authorization": {"env": "ENV_0"}, "X-Key": {"env": "ENV_1"}}


def test_without_declared_headers_the_list_says_whether_to_remove_them() -> None:
    out = diff_headers(_desired(), _live(True), None, _marker)
    assert out.changed
    assert out.value is None  # PATCH headers: null
    assert out.fields[0].before == "(set)"
    assert not diff_headers(_desired(), _live(False), None, _marker).changed
    assert not diff_headers(_desired(), _live(None), None, _marker).changed


def test_unread_credentials_compare_only_what_the_list_says() -> None:
    desired = _desired({"X-Org": "acme"}, ("Authorization",))
    assert not diff_headers(desired, _live(None), None, _marker).changed
    empty = diff_headers(desired, _live(False), None, _marker)
    assert empty.value == {
        "plaintext": {"X-Org": "acme"},
        "secret": {"Authorization": {"$secret": {"env": "ENV_0"}}},
    }
    rotated = diff_headers(desired, _live(None), None, _marker, rotate=True)
    assert rotated.value == empty.value

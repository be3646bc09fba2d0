from __future__ import annotations

import pytest

from duvoform.errors import UsageError
from duvoform.lookup.address import Address, parse_address


def test_addresses() -> None:
    assert parse_address("Assignment/Invoice triage") == Address("Assignment", "Invoice triage")
    assert parse_address("folder/Finance/Reports") == Address("Folder", "Finance/Reports")
    uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    assert parse_address(f"Connection/{uuid}").is_id
    assert not parse_address("Connection/Snowflake prod").is_id
    assert str(parse_address("assignment/a/b")) == "Assignment/a/b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Invoice triage", "is not an address"),
        ("Assignment/", "is not an address"),
        ("Build/x", "not a kind duvoform shows"),
        ("Conection/x", 'did you mean "Connection"?'),
    ],
)
def test_bad_addresses(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_address(text)

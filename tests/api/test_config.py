from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.api.config import ClientSettings, load_api_key, normalise_base_url
from duvoform.errors import UsageError


def test_key_from_environment_is_stripped_and_hidden() -> None:
    key = load_api_key(None, {"DUVO_API_KEY": "  dv_canary\n"})
    assert key.get_secret_value() == "dv_canary"
    assert "dv_canary" not in repr(key)


def test_key_file_wins_over_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("dv_from_file\n")
    key = load_api_key(key_file, {"DUVO_API_KEY": "dv_from_env"})
    assert key.get_secret_value() == "dv_from_file"


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(UsageError, match="DUVO_API_KEY"):
        load_api_key(None, {})
    with pytest.raises(UsageError, match="DUVO_API_KEY"):
        load_api_key(None, {"DUVO_API_KEY": "   "})


def test_missing_or_empty_key_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_api_key(tmp_path / "nope", {})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(UsageError, match="is empty"):
        load_api_key(empty, {})


def test_key_that_cannot_be_sent_is_refused_without_echoing_it() -> None:
    with pytest.raises(UsageError) as info:
        load_api_key(None, {"DUVO_API_KEY": "dv_can ary"})
    assert "dv_can" not in str(info.value)
    with pytest.raises(UsageError):
        load_api_key(None, {"DUVO_API_KEY": "dv_cänary"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.duvo.ai", "https://api.duvo.ai"),
        ("https://api.duvo.ai/", "https://api.duvo.ai"),
        ("https://api.duvo.ai/v1", "https://api.duvo.ai"),
        ("https://proxy.example.com/duvo/v1/", "https://proxy.example.com/duvo"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://[::1]:9", "http://[::1]:9"),
    ],
)
def test_base_url_is_normalised(url: str, expected: str) -> None:
    assert normalise_base_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.duvo.ai", "plain http"),
        ("http://10.0.0.5:8080", "plain http"),
        ("ftp://api.duvo.ai", "not an http"),
        ("api.duvo.ai", "not an http"),
        ("https://api.duvo.ai/?key=x", "query string"),
        ("https://[::1", "not a valid URL"),
        ("https://api.duvo.ai:99999", "not a valid URL"),
        ("https://api.duvo.ai:abc", "not a valid URL"),
        ("https://api duvo.ai", "spaces or control characters"),
        ("https://api.duvo.ai/\x1b[31m", "spaces or control characters"),
    ],
)
def test_bad_base_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        normalise_base_url(url)


def test_settings_reject_nonsense() -> None:
    with pytest.raises(UsageError):
        ClientSettings(base_url="https://x", concurrency=0)
    with pytest.raises(UsageError):
        ClientSettings(base_url="https://x", page_size=101)


def test_a_huge_url_is_not_echoed_back() -> None:
    with pytest.raises(UsageError) as info:
        normalise_base_url("https://" + "a" * 100_000 + "/?x")
    assert len(str(info.value)) < 300
    assert "100011 characters" in str(info.value)


@pytest.mark.parametrize(
    "url",
    ["https://dv_canary@api.duvo.ai", "https://me:dv_canary@api.duvo.ai/v1", "ftp://:dv_canary@x"],
)
def test_a_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(UsageError) as info:
        normalise_base_url(url)
    assert "dv_canary" not in str(info.value)
    assert "***@" in str(info.value)

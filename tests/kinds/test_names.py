from __future__ import annotations

import re

import pytest

from duvoform.kinds.names import MAX_STEM, UniqueNames, env_var_name, file_stem

SAFE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Invoice triage", "invoice-triage"),
        ("Rechnungsprüfung", "rechnungsprufung"),
        ('Réconciliation / "quarterly": v2', "reconciliation-quarterly-v2"),
        ("../../etc/passwd", "etc-passwd"),
        ("  .hidden.  ", "hidden"),
        ("a\\b\x00c", "a-b-c"),
        ("CON", "con-item"),
        ("nul", "nul-item"),
    ],
)
def test_file_stems_are_safe_everywhere(name: str, stem: str) -> None:
    assert file_stem(name) == stem


@pytest.mark.parametrize("name", ["請求書", "???", "🎉🎉", "", "---"])
def test_a_name_with_nothing_usable_gets_a_stable_digest(name: str) -> None:
    stem = file_stem(name, "assignment")
    assert re.fullmatch(r"assignment-[0-9a-f]{8}", stem)
    assert file_stem(name, "assignment") == stem
    assert file_stem("請求書", "assignment") != file_stem("見積書", "assignment")


def test_long_names_are_cut_without_a_trailing_dash() -> None:
    stem = file_stem("word " * 40)
    assert len(stem) <= MAX_STEM
    assert SAFE.match(stem)
    assert not stem.endswith("-")


def test_unique_names_ignore_case_and_count_up() -> None:
    names = UniqueNames()
    assert [names.claim(n) for n in ("triage", "Triage", "triage", "other")] == [
        "triage",
        "Triage-2",
        "triage-3",
        "other",
    ]
    names.reserve("taken")
    assert names.claim("TAKEN") == "TAKEN-2"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Snowflake prod", "Authorization"), "SNOWFLAKE_PROD_AUTHORIZATION"),
        (("Réseau", "X-Api-Key"), "RESEAU_X_API_KEY"),
        (("3rd party", "token"), "DUVO_3RD_PARTY_TOKEN"),
    ],
)
def test_environment_variable_names(parts: tuple[str, ...], expected: str) -> None:
    assert env_var_name(*parts) == expected


def test_environment_variable_names_for_unusable_parts_stay_valid_and_distinct() -> None:
    first = env_var_name("請求書", "Authorization")
    second = env_var_name("見積書", "Authorization")
    assert first != second
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", first)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("GitHub", "Authorization"), "DUVO_GITHUB_AUTHORIZATION"),
        (("CI", "Token"), "DUVO_CI_TOKEN"),
        (("AWS tools", "X-Key"), "DUVO_AWS_TOOLS_X_KEY"),
        (("Duvo API", "Key"), "DUVO_DUVO_API_KEY"),
    ],
)
def test_env_var_names_never_take_a_reserved_name(parts: tuple[str, ...], expected: str) -> None:
    assert env_var_name(*parts) == expected

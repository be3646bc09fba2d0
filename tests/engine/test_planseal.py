"""The seal of a plan file: checksum, signature, and the key fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.engine.planseal import api_key_fingerprint, plan_file_text, unseal
from duvoform.errors import PlanFileError, PlanSignatureError

DOC = {"kind": "duvoform-plan", "format_version": 2, "plan": {"changes": ["ü"]}}
PATH = Path("plan.json")


def read(text: str) -> dict[str, object]:
    doc = json.loads(text)
    assert isinstance(doc, dict)
    return doc


def test_an_unsigned_file_unseals_to_its_document() -> None:
    doc = read(plan_file_text(DOC))
    assert not unseal(PATH, doc, None)
    assert doc == DOC


def test_a_signed_file_unseals_with_its_key_and_says_it_was_signed() -> None:
    doc = read(plan_file_text(DOC, plan_key="k1"))
    assert unseal(PATH, doc, "k1")
    assert doc == DOC


def test_a_changed_file_fails_its_checksum() -> None:
    text = plan_file_text(DOC).replace('"format_version": 2', '"format_version": 3')
    with pytest.raises(PlanFileError, match="checksum does not match"):
        unseal(PATH, read(text), None)


@pytest.mark.parametrize("signed_with", [None, "another key"])
def test_with_a_plan_key_only_its_signature_passes(signed_with: str | None) -> None:
    doc = read(plan_file_text(DOC, plan_key=signed_with))
    with pytest.raises(PlanSignatureError):
        unseal(PATH, doc, "k1")


def test_a_recomputed_checksum_does_not_make_a_signature() -> None:
    forged = dict(DOC, plan={"changes": ["forged"]})
    text = plan_file_text(forged)  # anyone can write a matching checksum
    with pytest.raises(PlanSignatureError):
        unseal(PATH, read(text), "k1")


def test_the_key_fingerprint_is_stable_and_does_not_hold_the_key() -> None:
    key = "duvo_live_0123456789abcdef"
    assert api_key_fingerprint(key) == api_key_fingerprint(key)
    assert api_key_fingerprint(key) != api_key_fingerprint(key + "x")
    assert key not in api_key_fingerprint(key)


def test_a_forged_signature_of_any_text_is_refused_not_a_crash() -> None:
    doc = read(plan_file_text(DOC, plan_key="k1"))
    doc["signature"] = "hmac-sha256:é\ud800"
    with pytest.raises(PlanSignatureError):
        unseal(PATH, doc, "k1")


def test_a_lone_surrogate_in_a_forged_file_fails_its_checksum_not_the_process() -> None:
    doc = read(plan_file_text(DOC))
    doc["plan"] = {"changes": ["\ud800"]}
    with pytest.raises(PlanFileError):
        unseal(PATH, doc, None)

"""The seal of a plan file: a checksum of its text and, with a plan key, an HMAC signature.

``checksum`` is the sha256 of the file's text without its checksum and signature lines (the
document as ``json.dumps(doc, indent=2, ensure_ascii=False)`` writes it). It catches damage
only: anyone can recompute it. With a plan key (``DUVOFORM_PLAN_KEY``) ``signature`` is an
HMAC-SHA256 of the same text keyed with it, which only a holder of the key can make.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from duvoform.errors import PlanFileError, PlanSignatureError

__all__ = ["PLAN_KEY_ENV", "api_key_fingerprint", "plan_file_text", "unseal"]

PLAN_KEY_ENV = "DUVOFORM_PLAN_KEY"

_KEY_LABEL = b"duvoform plan file: API key fingerprint"
_SIGNATURE = "hmac-sha256:"
_SEALS = ("checksum", "signature")


def api_key_fingerprint(api_key: str) -> str:
    """An HMAC-SHA256 keyed with ``api_key`` over a fixed label: the same key always gives
    the same fingerprint, and the fingerprint tells nothing about the key."""
    return hmac.new(api_key.encode(), _KEY_LABEL, hashlib.sha256).hexdigest()


def plan_file_text(doc: Mapping[str, Any], *, plan_key: str | None = None) -> str:
    """The text of a plan file holding ``doc``: its JSON with the checksum of the rest first,
    then, with ``plan_key``, its signature (a ``checksum`` or ``signature`` already in ``doc``
    is replaced)."""
    body = _text({key: value for key, value in doc.items() if key not in _SEALS})
    head = '{\n  "checksum": "' + _checksum(body) + '",\n'
    if plan_key is not None:
        head += '  "signature": "' + _signature(body, plan_key) + '",\n'
    return head + body.removeprefix("{\n")


def _text(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _signature(text: str, plan_key: str) -> str:
    return _SIGNATURE + hmac.new(plan_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def unseal(path: Path, doc: dict[str, Any], plan_key: str | None) -> bool:
    """Take the checksum and signature out of ``doc`` (a plan file's JSON, read from
    ``path``) and check them; return whether it was signed. ``PlanSignatureError`` when
    ``plan_key`` is given and the file is not signed with it; ``PlanFileError`` when the
    checksum does not match."""
    checksum = doc.pop("checksum", None)
    signature = doc.pop("signature", None)
    body = _text(doc)
    try:
        body.encode()
    except UnicodeEncodeError:  # a "\\udXXX" escape no plan writes
        raise PlanFileError(
            f"{path} holds text that is not valid Unicode; plan never writes that: run plan "
            "--out again"
        ) from None
    if plan_key is not None:
        _verify(path, body, signature, plan_key)
    if checksum != _checksum(body):
        raise PlanFileError(
            f"{path} was changed after plan wrote it (its checksum does not match); a saved "
            "plan is applied exactly as written or not at all: run plan --out again"
        )
    return signature is not None


def _verify(path: Path, body: str, signature: Any, plan_key: str) -> None:
    if signature is None:
        raise PlanSignatureError(
            f"{path} is not signed, and {PLAN_KEY_ENV} is set: only plan files signed with "
            f"that key are applied. Make the plan with {PLAN_KEY_ENV} set (plan --out), or "
            "unset it to apply an unsigned plan"
        )
    expected = _signature(body, plan_key)
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature.encode("utf-8", "surrogatepass"), expected.encode()
    ):
        raise PlanSignatureError(
            f"{path} is not signed with {PLAN_KEY_ENV}: it was made with another plan key, "
            "or changed after plan wrote it; nothing was applied. Run plan --out again"
        )

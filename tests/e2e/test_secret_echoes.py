"""An API that quotes the request back in its error, JSON-escaped, with line breaks folded in,
cut short, or past the point where messages are capped, leaks no piece of a secret to stdout,
stderr (debug logs included) or the journal. The emulator's ``echo`` fault plays that API."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.redact import FRAGMENT
from tests.kinds.connection.helpers import custom, run, write

FORMS = ["json", "folded", "cut", "padded"]


def _pieces(secret: str) -> set[str]:
    """Every FRAGMENT-long piece of the secret, as itself and JSON-escaped once and twice."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(json.dumps(secret))[3:-3]}
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return {f[i : i + FRAGMENT] for f in forms for i in range(len(f) - FRAGMENT + 1)}


@pytest.mark.parametrize("forms", [[form] for form in FORMS] + [FORMS], ids=[*FORMS, "all"])
def test_echoed_secrets_leak_no_fragment_to_output_or_journal(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forms: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    secret = f'canary-"q"\\s-é-{uuid.uuid4().hex}{uuid.uuid4().hex}'
    root = write(tmp_path, custom("Vault", secret={"Authorization": {"env": "ECHO_TOKEN"}}))
    emulator.set_faults(echo=forms, routes=["POST /v1/connections"])
    result = run(emulator, "-vvv", "apply", "--auto-approve", str(root), env={"ECHO_TOKEN": secret})
    assert result.exit_code == 1, result.output
    assert emulator.stats()["by_status"]["422"] == 1  # the echo fault refused the create
    assert "invalid_request" in result.output  # the API's refusal is shown...
    assert "***" in result.output  # ...with what it quoted blanked out
    journal = list((tmp_path / ".duvoform" / "journal").glob("*.jsonl"))
    assert len(journal) == 1
    texts = [result.stdout, result.stderr, journal[0].read_text(encoding="utf-8")]
    assert "invalid_request" in texts[2]
    pieces = _pieces(secret)
    for text in texts:
        leaked = sorted(piece for piece in pieces if piece in text)
        assert leaked == [], leaked
    assert emulator.state()["connections"] == []  # refused, nothing written

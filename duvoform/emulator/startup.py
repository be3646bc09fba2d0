"""What ``duvoform emulator`` does before it serves: read ``--faults`` and ``--seed``, and
say where it listens (with the admin token its control routes need)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from duvoform.emulator.runtime import Runtime
from duvoform.emulator.seed import apply_seed
from duvoform.emulator.settings import DEFAULT_KEY, EmulatorSettings, FaultSettings
from duvoform.emulator.web import ApiProblem, validation_message
from duvoform.errors import EmulatorError

__all__ = ["banner", "parse_faults", "seed_from_file"]


def _masked(key: str) -> str:
    return key if key == DEFAULT_KEY else f"{key[:4]}… ({len(key)} characters)"


def banner(url: str, settings: EmulatorSettings) -> list[str]:
    """The lines printed at start: address, state, admin token, keys (masked), a first try."""
    db = settings.db
    lines = [
        f"Duvo emulator listening on {url}",
        f"State: {db if db is not None else 'in memory (lost on exit)'}",
        f"Admin token for /_emulator/* (x-emulator-admin header): {settings.admin_token}",
    ]
    lines += [
        f"API key: {_masked(key)} (team {team})" for key, team in settings.effective_keys().items()
    ]
    lines.append(f"Try: curl -H 'Authorization: Bearer <key>' {url}/v1/agents")
    return lines


def seed_from_file(runtime: Runtime, path: Path) -> None:
    """Load a ``--seed`` file (the ``POST /_emulator/seed`` format) into ``runtime``."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise EmulatorError(f"cannot read the seed file {path}: {exc}") from exc
    try:
        apply_seed(runtime, data)
    except ApiProblem as problem:
        raise EmulatorError(f"the seed file {path} was refused: {problem.message}") from problem


def parse_faults(text: str | None, latency_ms: int, fault_rate: float) -> FaultSettings:
    """The fault settings from ``--faults`` JSON merged over ``--latency-ms``/``--fault-rate``."""
    extra: object = {}
    if text is not None:
        try:
            extra = json.loads(text)
        except ValueError as exc:
            raise EmulatorError(f"--faults is not valid JSON: {exc}") from exc
    if not isinstance(extra, dict):
        raise EmulatorError("--faults must be a JSON object")
    merged = {"latency_ms": latency_ms, "error_rate": fault_rate, **extra}
    try:
        return FaultSettings.model_validate(merged)
    except ValidationError as exc:
        raise EmulatorError(f"--faults: {validation_message(exc, merged)}") from None

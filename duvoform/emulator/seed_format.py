"""The seed format of ``POST /_emulator/seed`` as pydantic models (see ``seed.py``).

Unknown keys are refused, so a typo in a test's seed fails loudly. Build configs may be v2
(validated and normalised like a created build) or legacy v1 (stored as given).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from duvoform.emulator.schemas import BuildConfigV2, UuidStr
from duvoform.emulator.settings import DEFAULT_TEAM
from duvoform.emulator.web import ApiProblem, validation_message

__all__ = [
    "Seed",
    "SeedAgent",
    "SeedBuild",
    "SeedConnection",
    "SeedFolder",
    "SeedSchedule",
    "SeedSlot",
    "seed_config",
    "seed_error",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedHeaders(_Strict):
    plaintext: dict[str, str] = Field(default_factory=dict)
    secret: dict[str, str] = Field(default_factory=dict)


class SeedConnection(_Strict):
    id: UuidStr | None = None
    name: str
    type: str = "custom_mcp"
    provider: str = "user"
    server_url: str | None = None
    transport_type: str = "http"
    auth_method: str | None = "headers"
    shared: bool = False
    headers: SeedHeaders = Field(default_factory=SeedHeaders)
    custom_integration_id: UuidStr | None = None
    integration_id: UuidStr | None = None
    oauth_provider: str | None = None
    oauth_scopes: list[str] | None = None
    has_oauth_tokens: bool = False
    composio_mcp_id: str | None = None
    owner: str | None = None


class SeedFolder(_Strict):
    id: UuidStr | None = None
    name: str
    parent: str | None = None


class SeedSlot(_Strict):
    integration: str
    pins: list[str] = Field(default_factory=list)


class SeedBuild(_Strict):
    id: UuidStr | None = None
    name: str = "seed"
    config: dict[str, Any]
    status: str | None = None
    revision_name: str | None = None
    revision_description: str | None = None
    handover_target_ids: list[UuidStr] = Field(default_factory=list)
    integrations: list[str | SeedSlot] = Field(default_factory=list)


class SeedAgent(_Strict):
    id: UuidStr | None = None
    name: str
    folder: str | None = None
    folder_id: UuidStr | None = None
    slack_enabled: bool | None = None
    microsoft_teams_enabled: bool | None = None
    agentic_memory_enabled: bool | None = None
    thread_id: UuidStr | None = None
    pinned: bool = False
    owner: str | None = None
    builds: list[SeedBuild] = Field(default_factory=list)


class SeedSchedule(_Strict):
    id: UuidStr | None = None
    agent: str
    build_id: UuidStr | None = None
    owner: str | None = None
    enabled: bool = True
    frequency: str | None = "daily"
    time: str | None = "09:00"
    timezone: str = "UTC"
    day: str | None = None
    day_of_month: int | None = None
    cron: str | None = None
    source: str | None = None
    task: str | None = None
    recurring: bool | None = True


class Seed(_Strict):
    team: str = DEFAULT_TEAM
    connections: list[SeedConnection] = Field(default_factory=list)
    folders: list[SeedFolder] = Field(default_factory=list)
    agents: list[SeedAgent] = Field(default_factory=list)
    schedules: list[SeedSchedule] = Field(default_factory=list)


def seed_error(where: str, reason: str) -> ApiProblem:
    """A 400 for a bad seed, naming where."""
    return ApiProblem(400, "invalid_seed", f"{where}: {reason}")


def seed_config(raw: dict[str, Any], where: str) -> str:
    """The JSON text of a seeded build config (v2 normalised, legacy v1 as given)."""
    if raw.get("version") == "v2":
        try:
            return json.dumps(BuildConfigV2.model_validate(raw).stored())
        except ValidationError as exc:
            raise seed_error(where, validation_message(exc, raw)) from None
    if raw.get("version", "v1") != "v1" or not isinstance(raw.get("data"), dict):
        raise seed_error(where, "must be a v2 config or a legacy v1 config with a 'data' object")
    return json.dumps(raw)

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from duvoform.api.models import (
    Agent,
    Build,
    BuildConfigOther,
    BuildConfigV1,
    BuildConfigV2,
    BuildConfigV2Data,
    ConnectionCredentials,
    CreateAgentBuild,
    CreateAgentRequest,
    CreateConnectionRequest,
    HeaderSet,
    Models,
    PrimaryModel,
    UpdateAgentRequest,
    UpdateBuildRequest,
    dump_body,
)
from duvoform.api.models.envelopes import AgentPage, ConnectionPage
from tests.helpers import v2_config

V2_CONFIG: dict[str, Any] = v2_config(
    "You process invoices.",
    files=[],
    skills=["pdf-reader"],
    plugins=[],
    subAgents=["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    options={"browserProvider": "browserbase", "someFutureKnob": 3},
)

LEGACY_CONFIG: dict[str, Any] = {  # as the docs' examples render it: no version
    "data": {
        "model": "gpt-4o",
        "tools": [{"type": "web_search"}],
        "input": [{"role": "system", "content": [{"type": "input_text", "text": "Be brief."}]}],
        "files": None,
        "skills": [],
        "temperature": 0.2,
        "text": {"format": {"type": "text"}},
    }
}


def agent_json(**overrides: Any) -> dict[str, Any]:
    build = {
        "id": "b1",
        "copilot_id": "c1",
        "agent_id": "a1",
        "name": "initial",
        "revision_name": None,
        "config": V2_CONFIG,
        "status": "live",
        "revision_number": 3,
        "parent_build_id": None,
        "created_by": None,
        "created_at": None,
        "updated_at": None,
    }
    agent = {
        "id": "a1",
        "name": "Invoice triage",
        "slack_enabled": None,
        "microsoft_teams_enabled": False,
        "agentic_memory_enabled": True,
        "team_id": None,
        "thread_id": None,
        "created_at": "2026-05-01T10:00:00Z",
        "updated_at": None,
        "pinned_at": None,
        "last_run_at": None,
        "latest_build": build,
        "integration_configs": None,
        "user_triggers": {"slack_mention": False, "slack_channel": False, "teams_mention": False},
        "case_trigger_enabled": False,
        "case_trigger_has_conflict": False,
        "case_trigger_conflicting_agents": [],
        "case_queue_name": None,
        "created_by": {"id": "u1", "name": None, "email": "a@example.com"},
        "a_field_from_the_future": {"x": 1},
    }
    agent.update(overrides)
    return agent


def test_agent_reads_nulls_unknown_fields_and_embedded_build() -> None:
    agent = Agent.model_validate(agent_json())
    assert agent.slack_enabled is None
    assert agent.integration_configs == []
    assert agent.model_extra == {"a_field_from_the_future": {"x": 1}}
    assert agent.latest_build is not None
    assert agent.latest_build.is_live
    config = agent.latest_build.config
    assert isinstance(config, BuildConfigV2)
    assert config.data.sub_agents == ["3c90c3cc-0d44-4b50-8888-8dd25736052a"]
    assert config.data.options is not None
    assert config.data.options.browser_provider == "browserbase"


def test_agent_with_only_id_and_name_is_readable() -> None:
    agent = Agent.model_validate({"id": "a1", "name": "x"})
    assert agent.latest_build is None
    assert agent.schedules is None


def test_legacy_v1_config_without_version_is_readable() -> None:
    build = Build.model_validate({"id": "b1", "config": LEGACY_CONFIG, "status": None})
    assert isinstance(build.config, BuildConfigV1)
    assert build.config.data.model == "gpt-4o"
    assert build.config.data.files == []
    assert not build.is_live
    first = build.config.data.input
    assert isinstance(first, list)
    assert first[0].role == "system"


def test_unknown_config_version_is_kept_not_rejected() -> None:
    build = Build.model_validate({"id": "b1", "config": {"version": "v9", "data": {"z": 1}}})
    assert isinstance(build.config, BuildConfigOther)
    assert build.config.data == {"z": 1}


def test_v2_config_round_trips_with_api_field_names() -> None:
    config = BuildConfigV2.model_validate(V2_CONFIG)
    assert dump_body(config) == V2_CONFIG


def test_agent_page_and_connection_page_envelopes() -> None:
    page = AgentPage.model_validate({"agents": [agent_json()], "total": 1, "limit": 100})
    assert page.total == 1
    assert page.agents[0].id == "a1"
    conns = ConnectionPage.model_validate(
        {
            "integrations": [
                {"id": "c1", "name": "x", "composio_mcp_id": None, "oauth_scopes": None}
            ],
            "total": 1,
            "limit": 100,
            "offset": 0,
        }
    )
    assert conns.integrations[0].oauth_scopes == []


def test_credentials_expose_header_names() -> None:
    creds = ConnectionCredentials.model_validate(
        {"id": "c1", "headers": {"Authorization": "", "X-Org": "acme"}}
    )
    assert creds.header_names == {"Authorization", "X-Org"}


def test_request_bodies_send_only_what_was_set_and_null_clears() -> None:
    assert dump_body(UpdateAgentRequest(slack_enabled=True)) == {"slack_enabled": True}
    assert dump_body(UpdateAgentRequest(thread_id=None)) == {"thread_id": None}
    assert dump_body(UpdateBuildRequest(handover_target_ids=["a"])) == {"handoverTargetIds": ["a"]}


def test_built_config_always_sends_its_version() -> None:
    config = BuildConfigV2(
        data=BuildConfigV2Data(models=Models(agent=PrimaryModel(model="gpt-5")), input="Hi")
    )
    body = dump_body(CreateAgentRequest(name="a", build=CreateAgentBuild(name="b", config=config)))
    assert body["build"]["config"]["version"] == "v2"


def test_connection_create_sends_provider_and_hides_secrets_in_repr() -> None:
    request = CreateConnectionRequest(
        name="Snowflake",
        auth_method="headers",
        server_url="https://mcp.example.com",
        headers=HeaderSet(plaintext={"X-Org": "acme"}, secret={"Authorization": "canary-123"}),
    )
    assert "canary-123" not in repr(request)
    assert "canary-123" not in str(request)
    body = dump_body(request)
    assert body["provider"] == "user"
    assert body["headers"]["secret"] == {"Authorization": "canary-123"}


def test_request_models_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        UpdateAgentRequest.model_validate({"folder_id": "f1"})


def test_request_validation_errors_do_not_quote_secret_values() -> None:
    with pytest.raises(ValidationError) as info:
        CreateConnectionRequest.model_validate(
            {"name": "x", "auth_method": "headers", "headers": {"secret": {"A": ["canary-5"]}}}
        )
    assert "canary-5" not in str(info.value)

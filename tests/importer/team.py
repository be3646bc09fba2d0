"""A varied live team for import and show tests, and a way to run the CLI against it.

Nested folders (two called ``Reports``), legacy v1 build configs (live, and in history),
sub-agents (one pair calling each other), handover targets, connections of every kind (custom
MCP with secret and plaintext headers, custom MCP without headers, native OAuth, MCP OAuth,
Composio), pins, schedules, labels, options, two assignments that share a name, and awkward
names (unicode, slashes, quotes, YAML words, names whose file names collide).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.importer.helpers import v2

SECRET = "Bearer canary-secret-9f2e"  # must never appear in any output or file
ID_VENDOR = "00000000-0000-4000-8000-000000000001"
ID_ESCALATIONS = "00000000-0000-4000-8000-000000000002"
ID_TRIAGE = "00000000-0000-4000-8000-000000000003"
LEGACY = {
    "data": {
        "model": "gpt-4o",
        "input": "Old instructions.",
        "tools": [],
        "files": [],
        "skills": [],
        "temperature": 0.3,
    }
}
SOP = "You triage invoices.\n\n1. Read the PDF.\n\t2. Check the vendor.  \n3. Route it.\n"

TEAM: dict[str, Any] = {
    "connections": [
        {
            "name": "Snowflake prod",
            "server_url": "https://mcp.example.com/snowflake",
            "shared": True,
            "headers": {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": SECRET}},
        },
        {"name": "Docs MCP", "server_url": "https://mcp.example.com/docs", "auth_method": "url"},
        {
            "name": "AP inbox",
            "type": "gmail",
            "provider": "oauth",
            "auth_method": "oauth",
            "oauth_provider": "google",
            "has_oauth_tokens": True,
        },
        {
            "name": "Linear",
            "type": "linear",
            "auth_method": "oauth",
            "server_url": "https://mcp.linear.app/sse",
            "has_oauth_tokens": True,
        },
        {
            "name": "Sheets",
            "type": "googlesheets",
            "provider": "composio",
            "auth_method": "oauth",
            "composio_mcp_id": "ca_42",
            "server_url": "https://mcp.composio.dev/sheets",
            "has_oauth_tokens": True,
        },
    ],
    "folders": [
        {"name": "Finance"},
        {"name": "Accounts Payable", "parent": "Finance"},
        {"name": "Invoices", "parent": "Finance/Accounts Payable"},
        {"name": "Reports", "parent": "Finance"},
        {"name": "Operations"},
        {"name": "Reports", "parent": "Operations"},
    ],
    "agents": [
        {
            "id": ID_VENDOR,
            "name": "Vendor lookup",
            "folder": "Finance/Accounts Payable",
            "builds": [
                {"name": "web app", "config": v2(sop="Look vendors up in the ERP.")},
                {"name": "legacy", "config": LEGACY},  # the live build: a legacy v1 config
            ],
        },
        {
            "id": ID_ESCALATIONS,
            "name": "Escalations",
            "slack_enabled": True,
            "builds": [{"config": v2("claude-opus-4-7", "Handle the rest.")}],
        },
        {
            "id": ID_TRIAGE,
            "name": "Invoice triage",
            "folder": "Finance/Accounts Payable/Invoices",
            "agentic_memory_enabled": True,
            "builds": [
                {"name": "first", "config": LEGACY},
                {
                    "name": "edited in the web app",
                    "revision_name": "Q4 policy",
                    "revision_description": "Routes every invoice over the limit to a person "
                    "before it is paid, and asks the vendor lookup when a vendor is unknown.",
                    "config": v2(
                        sop=SOP,
                        skills=["pdf-reader"],
                        subAgents=[ID_VENDOR],
                        options={"browserProvider": "browserbase"},
                    ),
                    "handover_target_ids": [ID_ESCALATIONS],
                    "integrations": [
                        {"integration": "Snowflake prod", "pins": ["Snowflake prod"]},
                        "gmail",
                    ],
                },
            ],
        },
        {"name": "Ping", "builds": [{"config": v2(sop="Ask Pong.")}]},
        {"name": "Pong", "builds": [{"config": v2(sop="Ask Ping.")}]},
        {
            "name": 'Réconciliation / "quarterly": v2',
            "folder": "Finance/Reports",
            "builds": [{"config": v2("gpt-5", "Reconcile the quarter.")}],
        },
        {
            "name": "reconciliation quarterly v2",
            "folder": "Operations/Reports",
            "builds": [{"config": v2("gpt-5", "Same file name, other assignment.")}],
        },
        {
            "name": "請求書",
            "folder": "Operations",
            "builds": [{"config": v2(sop="請求書を処理する。")}],
        },
        {"name": "yes", "builds": [{"config": v2(sop="no")}]},
        {"name": "Duplicate", "builds": [{"config": v2(sop="The first one.")}]},
        {"name": "Duplicate", "builds": [{"config": v2(sop="The second one.")}]},
    ],
}


def seed_team(emulator: EmulatorControl) -> dict[str, Any]:
    """Seed the varied team (and make Ping and Pong each other's sub-agents)."""
    made = emulator.seed(TEAM)
    ids = {agent["name"]: agent["id"] for agent in TEAM["agents"] if "id" in agent}
    by_index = [a["id"] for a in made["agents"]]
    ping, pong = by_index[3], by_index[4]
    emulator.seed_schedules(
        [
            {
                "agent": ID_TRIAGE,
                "frequency": "daily",
                "time": "09:00",
                "timezone": "Europe/Prague",
            },
            {"agent": ID_TRIAGE, "frequency": "custom", "cron": "0 * * * *", "enabled": False},
        ]
    )
    with emulator.client() as http:
        for source, target in ((ping, pong), (pong, ping)):
            response = http.post(
                f"/v1/agents/{source}/revisions",
                json={
                    "name": "calls the other",
                    "config": v2(sop="Ask the other.", subAgents=[target]),
                },
            )
            response.raise_for_status()
            build_id = response.json()["build"]["id"]
            if response.json()["build"]["status"] != "live":
                http.post(f"/v1/revisions/{build_id}/promote", json={}).raise_for_status()
    return {**made, "ids": ids, "ping": ping, "pong": pong}


def invoke(emulator: EmulatorControl, *args: str) -> Result:
    """``duvoform --api-url <emulator> ARGS`` in process, key from the environment."""
    env = {"DUVO_API_KEY": emulator.api_key, "DUVO_API_URL": None, "NO_COLOR": "1"}
    return CliRunner().invoke(
        cli, ["--api-url", emulator.base_url, *args], env=env, catch_exceptions=False
    )


def every_file_text(root: Path) -> str:
    """All text under ``root``, for "never written anywhere" checks."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file())

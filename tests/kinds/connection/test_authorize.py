"""``authorize``: one OAuth Connection manifest run through its flow against the embedded local
API (whose consent ``duvoform.local.consent_locally`` plays), and ``connection_manifest``'s
refusals of a NAME that is no OAuth connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.app import App
from duvoform.errors import UsageError
from duvoform.kinds.connection.authorize import authorize, connection_manifest
from duvoform.kinds.connection.oauth import Flow
from duvoform.local import consent_locally
from duvoform.manifest import Manifests, load_manifests
from tests.kinds.connection.helpers import custom, oauth, write


def _manifests(tmp_path: Path) -> Manifests:
    root = write(
        tmp_path,
        oauth("CRM", {"flow": "mcp", "server_url": "https://crm.mcp.example.com/mcp"}, shared=True),
        custom("Warehouse"),
    )
    return load_manifests([root])


async def test_a_flow_runs_to_a_named_shared_connection_and_then_is_already_connected(
    tmp_path: Path,
) -> None:
    connection = connection_manifest(_manifests(tmp_path), "CRM")
    shown: list[tuple[str, str]] = []

    def on_url(flow: Flow, url: str) -> None:
        shown.append((flow.flow, url))

    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        first = await authorize(
            client, connection, on_url=on_url, consent=consent_locally, interval=0.05
        )
        again = await authorize(client, connection, on_url=on_url, consent=consent_locally)
    assert [flow for flow, _ in shown] == ["mcp"]  # the second run needs no person
    assert shown[0][1].startswith("http")
    assert (first.already, first.live.name, first.live.shared) == (False, "CRM", True)
    assert (again.already, again.live.id, again.done) == (True, first.live.id, [])


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("CRN", 'no Connection "CRN" in the manifests; did you mean "CRM"?'),
        ("Warehouse", "custom MCP connection"),
    ],
)
def test_a_name_that_is_no_oauth_connection_is_a_usage_error(
    tmp_path: Path, name: str, says: str
) -> None:
    with pytest.raises(UsageError) as info:
        connection_manifest(_manifests(tmp_path), name)
    assert says in info.value.message

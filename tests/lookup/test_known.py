"""``plan_remembering``: a plan made with the name index, which then knows what it matched."""

from __future__ import annotations

from pathlib import Path

from duvoform.app import App
from duvoform.engine.planner import PlanOptions
from duvoform.lookup import NameIndex
from duvoform.lookup.known import plan_remembering
from duvoform.manifest import load_manifests
from tests.kinds.connection.helpers import assignment, write


async def test_a_matched_assignment_is_remembered_under_its_live_name(tmp_path: Path) -> None:
    manifests = load_manifests([write(tmp_path, assignment("Triage", []))])
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        before = await plan_remembering(
            manifests, client, PlanOptions(), state_dir=app.state_dir, api_url="local"
        )
        agent = (await client.create_agent({"name": "Triage"})).agent
        after = await plan_remembering(
            manifests, client, PlanOptions(), state_dir=app.state_dir, api_url="local"
        )
    assert [c.action.value for c in before.plan.changes][:1] == ["create"]
    assert after.matches.ids() == {"Assignment/Triage": agent.id}
    assert NameIndex.load(app.state_dir, "local").ids_named("Triage") == (agent.id,)

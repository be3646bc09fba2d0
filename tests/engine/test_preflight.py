"""``probe_plan`` adds the pre-flight findings to a finished plan (only for what ``--target``
keeps), and ``strict_error`` is ``--strict``'s refusal; against the embedded local API, whose
probe fails for hosts ending in ``.invalid`` and whose OAuth check fails for ``nodcr`` hosts."""

from __future__ import annotations

from pathlib import Path

from duvoform.app import App
from duvoform.engine.planner import PlanOptions, build_plan
from duvoform.engine.preflight import probe_plan, strict_error
from duvoform.manifest import load_manifests
from tests.kinds.connection.helpers import custom, oauth, write

TEAM = (
    custom("Down", url="https://down.invalid/mcp", plaintext={"X-Org": "acme"}),
    oauth("Legacy", {"flow": "mcp", "server_url": "https://nodcr.example.com/mcp"}),
    oauth("Modern", {"flow": "mcp", "server_url": "https://crm.example.com/mcp"}),
)


async def test_findings_become_warnings_and_targets_narrow_what_is_probed(
    tmp_path: Path,
) -> None:
    manifests = load_manifests([write(tmp_path, *TEAM)])
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        result = await build_plan(manifests, client, PlanOptions())
        probed, problems = await probe_plan(client, result)
        targets = ("Connection/Modern",)
        narrowed = await build_plan(manifests, client, PlanOptions(targets=targets))
        only, none = await probe_plan(client, narrowed, targets)
    assert sorted(w.split(":")[0] for w in probed.plan.warnings) == [
        "Connection/Down",
        "Connection/Legacy",
    ]
    assert [finding.render() for finding in problems] == list(probed.plan.warnings)
    assert probed.plan.changes == result.plan.changes
    assert (only.plan.warnings, none) == (narrowed.plan.warnings, [])

    refusal = strict_error(problems)
    assert refusal.summary == (
        "--strict: the pre-flight checks found 2 problems, so no plan was saved"
    )
    assert [problem.reasons for problem in refusal.problems] == [
        (finding.render(),) for finding in problems
    ]

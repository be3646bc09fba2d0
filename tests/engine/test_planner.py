"""The planning pipeline against the emulator over HTTP: reads, request counts, no-op plans."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.engine.plan import Action
from duvoform.engine.planner import PlanOptions, build_plan, plan_digest
from duvoform.errors import UnknownTargetError
from duvoform.kinds import Assignment, Connection
from duvoform.manifest import load_manifests
from tests.api.helpers import client_for
from tests.engine.helpers import converged_seed, desired_from, write

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def _examples(tmp_path: Path) -> Path:
    root = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, root)
    (tmp_path / ".git").mkdir()
    return root


async def test_examples_on_an_empty_team_plan_every_create_in_three_requests(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    manifests = load_manifests([_examples(tmp_path)])
    emulator.clear_stats()
    async with client_for(emulator) as client:
        result = await build_plan(manifests, client)
    stats = emulator.stats()
    assert stats["total"] == result.requests == 3
    assert stats["writes"] == 0
    resources = manifests.resources
    oauth = [r for r in resources if isinstance(r, Connection) and r.is_oauth]
    absent = [r for r in resources if r.ensure == "absent"]
    assert result.plan.summary() == {
        "create": len(resources) - len(oauth) - len(absent),
        "update": 0,
        "build": 0,
        "delete": 0,
        "authorize": len(oauth),
        "unchanged": len(absent),  # e.g. the Sandbox folder, already absent
    }
    assert {"kind": "Folder", "path": "Sandbox"} in result.expected_absent
    assert result.manifest_digest == manifests.digest
    assert result.fingerprints == {}
    assert [s.id for s in result.steps][:1] == ["Folder/Finance#1"]
    assert result.digest == plan_digest(result.steps, result.ids)


async def test_examples_on_a_converged_team_plan_no_changes(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    root = _examples(tmp_path)
    emulator.seed(converged_seed(desired_from(root)))
    emulator.clear_stats()
    async with client_for(emulator) as client:
        result = await build_plan(load_manifests([root]), client)
    assert result.plan.changes == ()
    resources = desired_from(root).resources
    assert result.plan.summary()["unchanged"] == len(resources)
    # the lists, and the credentials of connections with headers; the wired builds' slots
    # come with the assignment list, and their pins are inferred
    with_headers = [
        r
        for r in resources
        if isinstance(r, Connection) and not r.is_oauth and r.ensure == "present"
    ]
    assert with_headers
    assert any(isinstance(r, Assignment) and r.spec.build.connections for r in resources)
    assert emulator.stats()["total"] == result.requests == 3 + len(with_headers)
    present = [r for r in resources if r.ensure == "present"]
    assert len(result.fingerprints) == len(present)


async def test_an_unchanged_team_of_1000_assignments_plans_in_12_requests(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    docs = [
        f"""
        apiVersion: duvoform/v1
        kind: Assignment
        metadata: {{name: Assignment {n:04d}}}
        spec:
          folder: Team
          slack_enabled: {str(n % 2 == 0).lower()}
          build:
            model: claude-sonnet-4-6
            sop: Handle case {n}.
            skills: [pdf-reader]
        """
        for n in range(1000)
    ]
    root = write(
        tmp_path,
        {
            "folders.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Team}\n",
            "agents.yaml": "---\n".join(textwrap.dedent(doc).lstrip() for doc in docs),
        },
    )
    emulator.seed(converged_seed(desired_from(root)))
    emulator.clear_stats()
    async with client_for(emulator) as client:
        result = await build_plan(load_manifests([root]), client)
    stats = emulator.stats()
    assert not result.plan.has_changes
    assert result.plan.summary()["unchanged"] == 1001
    assert stats["total"] == result.requests == 12  # 1 folders + 10 agent pages + 1 connections
    assert stats["total"] <= 15  # the budget (DESIGN §11)
    assert stats["writes"] == 0


async def test_targets_narrow_a_plan_to_what_they_need(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    manifests = load_manifests([_examples(tmp_path)])
    async with client_for(emulator) as client:
        result = await build_plan(
            manifests, client, PlanOptions(targets=("Assignment/Vendor lookup",))
        )
    addresses = [c.address for c in result.plan.changes]
    desired = result.desired
    target = desired.get("Assignment", "Vendor lookup")
    assert target is not None
    needed, pending = set(), [target]
    while pending:
        resource = pending.pop()
        needed.add(desired.address(resource))
        pending += desired.dependencies_of(resource)
    assert set(addresses) == needed
    assert addresses[-1] == "Assignment/Vendor lookup"
    assert len(needed) < len(desired.resources)
    assert all(c.action is Action.CREATE for c in result.plan.changes)


async def test_a_plan_result_repr_is_short(emulator: EmulatorControl, tmp_path: Path) -> None:
    # asyncio.run formats the repr of the value its task returns; a field-by-field repr of a
    # large team's state took seconds.
    async with client_for(emulator) as client:
        result = await build_plan(load_manifests([_examples(tmp_path)]), client)
    changes = len(result.plan.changes)
    assert repr(result) == (
        f"<PlanResult: {changes} changes, {result.plan.unchanged} unchanged, "
        f"{len(result.steps)} steps>"
    )


async def test_a_folder_target_by_bare_name_lists_the_paths_it_may_mean(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    manifests = load_manifests([_examples(tmp_path)])
    async with client_for(emulator) as client:
        with pytest.raises(UnknownTargetError) as info:
            await build_plan(manifests, client, PlanOptions(targets=("Folder/Reports",)))
    assert [p.render() for p in info.value.problems] == [
        '--target "Folder/Reports": no Folder "Reports" in the manifests or live; folders are '
        'named by their path from the root: "Folder/Finance/Reports", '
        '"Folder/Operations/Reports"'
    ]

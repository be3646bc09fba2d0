"""Looking for a build to promote costs requests only where the plan would make a new build;
a saved plan that promotes applies like any other."""

from __future__ import annotations

import json
from pathlib import Path

from duvoform.emulator import EmulatorControl
from tests.helpers import v2_config
from tests.kinds.connection.helpers import apply_ok, assignment, routes, run, write

BUILDS = "GET /v1/agents/{agent_id}/revisions"


def test_builds_are_listed_only_for_assignments_that_would_get_a_new_build(
    emulator: EmulatorControl, work: Path
) -> None:
    # "Adopted" runs a build made in the web app that reads like its manifest: kept as it is,
    # so its builds are not listed even though it has two.
    emulator.seed(
        {
            "agents": [
                {
                    "name": "Adopted",
                    "builds": [
                        {"name": "first", "config": v2_config("Old.")},
                        {"name": "second", "config": v2_config("Adopted work.")},
                    ],
                }
            ]
        }
    )
    adopted = assignment("Adopted", [], sop="Adopted work.")
    apply_ok(emulator, write(work, adopted, assignment("A", []), assignment("B", [])))
    root = write(work, adopted, assignment("A", [], sop="A2."), assignment("B", [], sop="B2."))
    apply_ok(emulator, root)  # A and B have two builds now

    emulator.clear_stats()
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 0, plan.stdout
    assert BUILDS not in routes(emulator)
    assert emulator.stats()["total"] == 3  # the three lists

    root = write(work, adopted, assignment("A", [], sop="A3."), assignment("B", [], sop="B2."))
    emulator.clear_stats()
    assert run(emulator, "plan", "--detailed-exitcode", str(root)).exit_code == 2
    assert routes(emulator)[BUILDS] == 1  # A's only


def test_a_saved_plan_that_promotes_applies_once(
    emulator: EmulatorControl, work: Path, tmp_path: Path
) -> None:
    apply_ok(emulator, write(work, assignment("A", [], sop="First.")))
    apply_ok(emulator, write(work, assignment("A", [], sop="Second.")))
    root = write(work, assignment("A", [], sop="First."))
    plan_file = tmp_path / "plan.json"
    assert run(emulator, "plan", "--out", str(plan_file), str(root)).exit_code == 0
    (step,) = json.loads(plan_file.read_text())["steps"]
    assert (step["op"], step["params"]["number"]) == ("build.promote", 1)
    for _ in range(2):
        applied = run(emulator, "apply", str(plan_file))
        assert applied.exit_code == 0, applied.output
    builds = emulator.state()["builds"]
    assert len(builds) == 2
    assert [b["revision_number"] for b in builds if b["status"] == "live"] == [1]

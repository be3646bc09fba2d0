"""The operations table agrees with what apply sends: for every golden plan case with
changes, apply writes only routes that the plan's changes list (their ``requests``, from
``kinds.registry.requests_of``), and writes every one of them but those that depend on the
API's answer; every ``Op`` has one operation, on a documented route."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.api.routes import all_routes
from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from duvoform.engine.steps import Op
from duvoform.kinds.registry import operations
from tests.helpers import PLAN_CASES, stage_case

ENV = {
    "NO_COLOR": None,
    "DUVO_API_URL": None,
    "KB_TOKEN": "kb-token",
    "CRM_TOKEN": "crm-token",
    "ERP_TOKEN": "erp-token",
}
# Listed by a plan, but sent only as the API's answer needs: a new build is promoted with its
# labels, or, when the API made it live itself, only its labels are PATCHed.
CONDITIONAL = {"POST /v1/revisions/{}/promote", "PATCH /v1/revisions/{}"}


def _template(route: str) -> str:
    """``"PATCH /v1/agents/{agentId}"`` with every path parameter named alike."""
    return re.sub(r"\{[^}]*\}", "{}", route)


def _run(emulator: EmulatorControl, command: str, args: list[str]) -> Result:
    return CliRunner().invoke(
        cli,
        ["--api-url", emulator.base_url, command, "manifests", *args],
        env={**ENV, "DUVO_API_KEY": emulator.api_key},
        catch_exceptions=False,
    )


def test_every_op_has_one_operation_and_every_route_is_documented() -> None:
    assert set(operations()) == set(Op)
    spec = json.loads(
        (Path(__file__).parents[2] / "duvoform" / "emulator" / "openapi.json").read_text()
    )
    documented = {
        _template(f"{method.upper()} {path}")
        for path, item in spec["paths"].items()
        for method in item
    }
    for route in all_routes():
        assert _template(str(route)) in documented, route


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda path: path.name)
def test_apply_writes_exactly_the_routes_the_plan_lists(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deterministic_emulator: EmulatorControl,
) -> None:
    emulator = deterministic_emulator
    args = stage_case(case, tmp_path, monkeypatch, emulator)
    plan = _run(emulator, "plan", [*args, "--format", "json", "--detailed-exitcode"])
    if plan.exit_code != 2:
        pytest.skip(f"the plan has nothing to apply (exit {plan.exit_code})")
    planned = {
        _template(f"{r['method']} {r['path']}")
        for change in json.loads(plan.stdout)["changes"]
        for r in change["requests"]
    }
    emulator.clear_stats()
    applied = _run(emulator, "apply", [*args, "--auto-approve"])
    assert applied.exit_code == 0, applied.output + applied.stderr
    sent = {
        _template(route) for route in emulator.stats()["by_route"] if not route.startswith("GET ")
    }
    assert sent <= planned, f"apply wrote routes the plan does not list: {sent - planned}"
    assert planned - sent <= CONDITIONAL, (
        f"the plan lists routes apply never wrote: {planned - sent}"
    )

"""Benchmark: requests per new assignment of an apply, beside the lower bound the API allows.

For each shape of ``bench/shapes.py``, ``--assignments`` new assignments (with their folders
and custom MCP connections; the OAuth connections exist already, as a person made them) are
applied by ``duvoform apply --auto-approve`` as a process, against an emulator in a process
of its own (rate limit lifted). Printed per shape: the requests the emulator saw, per
assignment, the lower bound per assignment and the ratio; the apply's maximum resident set
(budget: under 600 MB at 10,000); with ``--routes``, the requests by route.

The lower bound, worked out from the documented API (what a tool must send at least):

- the three lists of the plan;
- per folder and per custom connection: its create;
- per assignment: its create (the first build included); a flag ``PATCH`` when its flags
  differ from what a create leaves (all off); a second build (``POST .../revisions``, live
  as made) when it names handover targets, else a build ``PATCH`` when it has a
  ``revision_name`` (a create's inline build carries neither); one slot attach
  (``POST .../integrations``, every slot at once) when it has connections, and one pin per
  connection;
- per folder that receives assignments: one move (``POST /v1/agent-folders/move-agents``
  takes any number of them).

Figures only; nothing here asserts a time.

Usage: ``python bench/apply_requests.py [--assignments 1000] [--shapes ...] [--routes]``
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from shapes import MCP, SHAPES, emulator_process, oauth_seed, run_cli, write_shape

from duvoform.engine.graph import DesiredState
from duvoform.kinds import Assignment, Connection, Folder
from duvoform.manifest import load_manifests


def lower_bound(root: Path) -> tuple[int, int]:
    """(per-team requests, per-assignment requests) of the bound in the module docstring."""
    desired = DesiredState.build(load_manifests([root]))
    folders = [r for r in desired.of_kind(Folder.KIND)]
    connections = [r for r in desired.of_kind(Connection.KIND) if isinstance(r, Connection)]
    custom = [c for c in connections if c.metadata.name in MCP]
    assignments = [r for r in desired.of_kind(Assignment.KIND) if isinstance(r, Assignment)]
    team = 3 + len(folders) + len(custom)
    each = 0
    homes = set()
    for a in assignments:
        spec = a.spec
        each += 1
        if spec.slack_enabled or spec.microsoft_teams_enabled or spec.agentic_memory_enabled:
            each += 1
        if spec.build.handover_to or spec.build.revision_name:
            each += 1
        if spec.build.connections:
            each += 1 + len(spec.build.connections)
        if spec.folder:
            homes.add(spec.folder)
    return team + len(homes), each


def measure(shape: str, size: int) -> dict[str, object]:
    """Apply one shape; its figures."""
    with tempfile.TemporaryDirectory() as tmp, emulator_process() as control:
        root = write_shape(Path(tmp) / "team", shape, size)
        if oauth_seed(shape):
            control.seed({"connections": oauth_seed(shape)})
        control.clear_stats()
        _, rss, _ = run_cli(control, "apply", str(root), "--auto-approve", "--no-color")
        stats = control.stats()
        again = run_cli(control, "plan", str(root), "--no-color")[2]
        team, each = lower_bound(root)
    if "No changes" not in again:
        raise SystemExit(f"{shape}: a plan after the apply has changes:\n{again[:2000]}")
    return {"total": stats["total"], "routes": stats["by_route"], "rss": rss, "bound": team + each}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=1000)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--routes", action="store_true", help="print requests by route")
    args = parser.parse_args()
    n = args.assignments
    header = ("shape", "requests", "per assignment", "bound", "ratio", "max RSS")
    print("{:>10} {:>9} {:>15} {:>6} {:>6} {:>8}".format(*header), flush=True)
    for shape in args.shapes:
        f = measure(shape, n)
        total, bound = int(str(f["total"])), int(str(f["bound"]))
        print(
            f"{shape:>10} {total:>9} {total / n:>15.2f} {bound / n:>6.2f} "
            f"{total / bound:>5.2f}x {int(str(f['rss'])) / 1e6:>5.0f} MB",
            flush=True,
        )
        if args.routes:
            routes = f["routes"]
            assert isinstance(routes, dict)
            for route, count in sorted(routes.items(), key=lambda item: -item[1]):
                print(f"{'':>12}{count:>7}  {route}")


if __name__ == "__main__":
    main()

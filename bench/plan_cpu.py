"""Benchmark: a whole ``duvoform plan`` process against PyYAML's C loader alone (DESIGN §11).

The budget: load + validate + plan of 10,000 assignments takes at most twice the CPU time of a
C YAML parse of the same files, for every shape of ``bench/shapes.py``; peak memory under
400 MB.

For each shape and size, the team is written, an emulator is started in a process of its own
(``duvoform emulator``, rate limit lifted) and given the team's live state
(``shapes.seed_unchanged``), so the plan is of an *unchanged* team. Then, best of ``--repeat``:

- ``CSafeLoader``: in a fresh process, ``yaml.load_all(text, Loader=yaml.CSafeLoader)`` over
  every YAML file (read included), timed around the parse alone: the floor any YAML-based
  tool pays;
- ``plan``: ``duvoform plan PATH`` as a process: its CPU seconds (user + system, from
  ``wait4``) from interpreter start to exit: imports, loading, templates, validation, the
  live read over real HTTP (JSON decoding, wire models), matching, diff, order, safety and
  rendering;
- ``ratio``: plan over CSafeLoader (budget: at most 2.0x);
- ``max RSS``: the plan process's maximum resident set (budget: under 400 MB at 10,000).

The emulator's CPU is its own process's and is not counted. Figures only; nothing here
asserts a time.

``--baseline PYTHON`` also runs each plan with another interpreter, one whose environment has
another version of duvoform installed (say, a virtual environment of the main branch), in
turn with this one against the same emulator and files, and prints its figures beside them:
a before and after measured in the same run, on a machine whose load varies.

Usage: ``python bench/plan_cpu.py [--sizes 1000 10000] [--shapes ...] [--repeat 3]
[--baseline PYTHON]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from shapes import SHAPES, emulator_process, run_cli, seed_unchanged, write_shape

PARSE = """
import sys, time, yaml
files = sys.argv[1:]
start = time.process_time()
for path in files:
    with open(path, encoding="utf-8") as f:
        list(yaml.load_all(f.read(), Loader=yaml.CSafeLoader))
print(time.process_time() - start)
"""


def c_parse(root: Path) -> float:
    """CPU seconds of the C loader alone over every YAML file under ``root``."""
    files = [str(p) for p in sorted(root.rglob("*.yaml"))]
    done = subprocess.run(
        [sys.executable, "-c", PARSE, *files], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def measure(shape: str, size: int, repeat: int, baseline: str | None) -> dict[str, float]:
    """The figures of one shape and size (see the module docstring)."""
    pythons = {"": sys.executable} | ({"base ": baseline} if baseline else {})
    runs: dict[str, list[tuple[float, int, str]]] = {key: [] for key in pythons}
    with tempfile.TemporaryDirectory() as tmp, emulator_process() as control:
        root = write_shape(Path(tmp) / "team", shape, size)
        seed_unchanged(control, root, shape)
        yaml_cpu = min(c_parse(root) for _ in range(repeat))
        for _ in range(repeat):
            for key, python in pythons.items():
                runs[key].append(run_cli(control, "plan", str(root), "--no-color", python=python))
    figures = {"yaml": yaml_cpu}
    for key, done in runs.items():
        if "No changes" not in done[0][2]:
            raise SystemExit(f"{shape}: the {key}plan has changes:\n{done[0][2][:2000]}")
        figures[key + "plan"] = min(cpu for cpu, _, _ in done)
        figures[key + "rss"] = max(rss for _, rss, _ in done)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", metavar="PYTHON", help="also run plans with PYTHON")
    args = parser.parse_args()
    header = ["shape", "assignments", "CSafeLoader", "plan", "ratio", "max RSS"]
    if args.baseline:
        header += ["base plan", "ratio", "max RSS"]
    print(
        (
            "{:>10} {:>11} {:>11} {:>8} {:>6} {:>8}" + " {:>9} {:>6} {:>8}" * bool(args.baseline)
        ).format(*header),
        flush=True,
    )
    for size in args.sizes:
        for shape in args.shapes:
            f = measure(shape, size, args.repeat, args.baseline)
            line = f"{shape:>10} {size:>11} {f['yaml']:>10.3f}s"
            for key in ("", "base ") if args.baseline else ("",):
                plan = f[key + "plan"]
                line += f" {plan:>{8 if key else 7}.3f}s {plan / f['yaml']:>5.2f}x"
                line += f" {f[key + 'rss'] / 1e6:>5.0f} MB"
            print(line, flush=True)


if __name__ == "__main__":
    main()

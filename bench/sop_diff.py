"""Benchmark: rendering a plan whose SOP changed, as the SOP grows (text and markdown).

Prints CPU seconds (``time.process_time``, best of ``--repeat``) and the peak traced memory
of one rendering for SOPs of 1,000 to 300,000 lines with one line changed, and for SOPs
rewritten whole with a blank line between steps (``spaced``: every blank line equals every
other, the case that made the matcher slow). Past the diff bounds (``MAX_DIFF_LINES``,
``MAX_MATCH_PAIRS``) the plan says how the SOP changed instead of a line diff.

    python bench/sop_diff.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render.markdown import render_plan as render_markdown
from duvoform.render.text import render_plan_plain


def _plan(lines: int, spaced: bool = False) -> Plan:
    before = "".join(f"{n}. Check the invoice against purchase order {n}.\n" for n in range(lines))
    after = before.replace("7. Check", "7. Verify", 1)
    if spaced:
        steps = lines // 2
        before = "\n\n".join(f"{n}. Check order {n * 7919 % 10007}." for n in range(steps))
        after = "\n\n".join(f"{n}. Check order {n * 104729 % 10007}." for n in range(steps))
    field = FieldChange("build.sop", before, after)
    change = Change(kind="Assignment", name="Big", action=Action.BUILD, fields=(field,))
    return Plan(changes=(change,))


def main() -> None:
    """Print one row per SOP size: CPU seconds and peak memory of each renderer."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'shape':>7} {'lines':>8} {'text s':>8} {'text MB':>8} {'md s':>8} {'md MB':>8}")
    sizes = [(False, n) for n in (1_000, 19_000, 21_000, 100_000, 300_000)]
    sizes += [(True, n) for n in (1_000, 4_000, 19_000)]
    for spaced, lines in sizes:
        plan = _plan(lines, spaced)
        row = [f"{'spaced' if spaced else 'one':>7}", f"{lines:>8,}"]
        for render in (render_plan_plain, render_markdown):
            best = float("inf")
            for _ in range(args.repeat):
                start = time.process_time()
                render(plan)
                best = min(best, time.process_time() - start)
            tracemalloc.start()
            render(plan)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            row += [f"{best:8.3f}", f"{peak:8.1f}"]
        print(" ".join(row))


if __name__ == "__main__":
    main()

"""Benchmark: what the output guard and ``printable`` cost on large output.

Writes N lines of plan-like text (one write per line, as click.echo does, and one write of
the whole text, as rich does) to an in-memory stream, directly and through ``GuardedStream``,
and runs ``printable`` over N short names. Prints CPU seconds, best of ``--repeat`` runs.

Usage: ``python bench/sanitise.py [--lines 300000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for bench/

from bench.load import best
from duvoform.sanitise import GuardedStream, printable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = [
        f"      +line {i}: Look vendors up in the ERP and flag duplicates.\n"
        for i in range(args.lines)
    ]
    whole = "".join(lines)
    names = [f"Assignment/Invoice triage {i}" for i in range(args.lines)]

    def per_line(guarded: bool) -> None:
        target = io.StringIO()
        stream = GuardedStream(target) if guarded else target
        for line in lines:
            stream.write(line)
            stream.flush()

    def at_once(guarded: bool) -> None:
        target = io.StringIO()
        stream = GuardedStream(target) if guarded else target
        stream.write(whole)
        stream.flush()

    print(f"{args.lines:,} lines, {len(whole) / 1e6:.1f} MB (CPU seconds, best of {args.repeat})")
    for label, run in (("one write per line", per_line), ("one write in all", at_once)):
        plain = best(args.repeat, lambda run=run: run(False))  # type: ignore[misc]
        guarded = best(args.repeat, lambda run=run: run(True))  # type: ignore[misc]
        print(f"  {label:20} direct {plain:6.3f}  guarded {guarded:6.3f}")
    shown = best(args.repeat, lambda: [printable(name) for name in names])
    print(f"  printable over {args.lines:,} names: {shown:.3f}")


if __name__ == "__main__":
    main()

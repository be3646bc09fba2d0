"""Benchmark: what remembering secrets and scrubbing text cost as the secrets held grow.

Remembers N distinct secrets (32-character tokens, as secret header values are) one after
another, as a run that reads N secret headers does, then scrubs a journal-like text (plan
lines with UUIDs, one secret quoted in it) with all N held, and scrubs the same text with the
N secrets passed per call (as ``scrub_error`` does). Prints CPU seconds, best of
``--repeat`` runs.

Usage: ``python bench/redact.py [--secrets 30 300 1000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for bench/

from bench.load import best
from duvoform.redact import forget_all, remember, scrub


def secrets(count: int) -> list[str]:
    """``count`` distinct token-like secrets, the same on every run."""
    return [uuid.UUID(int=i * 7919 + 1).hex for i in range(count)]


def journal(values: list[str]) -> str:
    """A few kilobytes of plan-like text with one of ``values`` quoted in it."""
    lines = [
        f'{{"step": {i}, "id": "{uuid.UUID(int=i * 104729 + 3)}", "op": "update folder"}}'
        for i in range(60)
    ]
    lines[30] = f'{{"error": "header \'Bearer {values[len(values) // 2]}\' is invalid"}}'
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--secrets", type=int, nargs="+", default=[30, 300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"CPU seconds, best of {args.repeat}")
    for count in args.secrets:
        values = secrets(count)
        text = journal(values)

        def remember_all(values: list[str] = values) -> None:
            forget_all()
            for value in values:
                remember(value)
            scrub("x")  # a matcher built lazily is built here, once

        remembered = best(args.repeat, remember_all)
        held = best(args.repeat, lambda text=text: scrub(text))  # type: ignore[misc]
        forget_all()
        passed = best(args.repeat, lambda text=text, v=values: scrub(text, v))  # type: ignore[misc]
        assert values[len(values) // 2] not in scrub(text, values)
        print(
            f"  {count:5} secrets: remember all {remembered:7.3f}"
            f"  scrub {len(text):,} chars: held {held:6.3f}  passed per call {passed:6.3f}"
        )


if __name__ == "__main__":
    main()

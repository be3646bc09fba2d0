"""Benchmark: ``duvoform fmt`` against ``load_manifests`` on the same team.

Generates the team of ``bench/load.py`` (N assignments, 50 per file), then measures CPU
seconds, best of ``--repeat`` runs, of ``format_paths`` on the formatted team (the common
case, ``fmt --check`` in CI: nothing to change) and on the same team with every mapping's
keys reversed and indented by four (everything to change), next to ``load_manifests``.

Usage: ``python bench/fmt.py [--sizes 1000 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for bench/

from bench.load import best, generate
from duvoform.manifest import load_manifests
from duvoform.manifest.fmt import format_paths


def untidy(root: Path) -> None:
    """Rewrite every manifest with its top-level keys reversed (apiVersion last)."""
    for path in root.rglob("*.yaml"):
        if path.name == "duvoform.yaml" or "environments" in path.parts:
            continue
        documents = path.read_text("utf-8").split("\n---\n")
        out = []
        for document in documents:
            lines = document.splitlines()
            head = [line for line in lines if line.startswith(("apiVersion:", "kind:"))]
            out.append("\n".join([line for line in lines if line not in head] + head[::-1]))
        path.write_text("\n---\n".join(out) + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'assignments':>11}  {'load_manifests':>14}  {'fmt (clean)':>11}  {'fmt (all)':>9}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, size)
            for formatted in format_paths([root]):
                formatted.write()
            load = best(args.repeat, functools.partial(load_manifests, [root]))
            clean = best(args.repeat, functools.partial(format_paths, [root]))
            untidy(root)
            changed = format_paths([root])
            assert any(f.changed for f in changed)
            messy = best(args.repeat, functools.partial(format_paths, [root]))
            print(f"{size:>11}  {load:>13.2f}s  {clean:>10.2f}s  {messy:>8.2f}s")


if __name__ == "__main__":
    main()

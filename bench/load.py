"""Benchmark: loading manifests versus PyYAML's C loader alone on the same files.

Generates a team of N assignments (50 per file, with folders, connections, templated
strings, SOP files and references), then measures CPU seconds (the budget is about CPU, and
CPU time is steadier than wall time on a shared machine), best of ``--repeat`` runs:

- ``CSafeLoader``: ``yaml.load_all(text, Loader=yaml.CSafeLoader)`` over every file (read
  included): the floor any YAML-based tool pays;
- ``parse``: duvoform's own fast path alone (the same C parser, our constructor with the
  duplicate-key and alias checks), to show what those checks cost;
- ``load_manifests``: discovery, parsing with duplicate-key and alias checks, templates,
  pydantic validation and SOP files (the manifest digest is computed only when a plan file
  is written; ``bench/plan_cpu.py`` measures that);
- ``+ DesiredState.build``: the above plus reference resolution.

Usage: ``python bench/load.py [--sizes 1000 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from duvoform.engine.graph import DesiredState
from duvoform.manifest import load_manifests
from duvoform.manifest.parse import parse_documents

PER_FILE = 50
SOP = "\n".join(
    f"{i}. Check the invoice against purchase order line {i}; record any difference."
    for i in range(1, 15)
)


def generate(root: Path, count: int) -> None:
    """Write a team of ``count`` assignments under ``root``."""
    (root / "sops").mkdir(parents=True)
    for i in range(20):
        (root / "sops" / f"sop-{i:02d}.md").write_text(f"# SOP {i}\n\n{SOP}\n")
    (root / "duvoform.yaml").write_text("vars: {release: '2026.11', domain: mcp.example.com}\n")
    folders = ["apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\n"]
    folders += [
        f"apiVersion: duvoform/v1\nkind: Folder\nmetadata: {{name: Team {t:02d}}}\n"
        "spec: {parent: Finance}\n"
        for t in range(20)
    ]
    (root / "folders.yaml").write_text("---\n".join(folders))
    connections = [
        f"apiVersion: duvoform/v1\nkind: Connection\nmetadata: {{name: Warehouse {c}}}\n"
        "spec:\n  type: custom_mcp\n  server_url: 'https://{{ vars.domain }}/wh'\n"
        "  headers:\n    plaintext: {X-Org: acme}\n    secret: {Authorization: {env: WH_TOKEN}}\n"
        for c in range(5)
    ]
    (root / "connections.yaml").write_text("---\n".join(connections))
    (root / "assignments").mkdir()
    for start in range(0, count, PER_FILE):
        docs = []
        for i in range(start, min(count, start + PER_FILE)):
            sop = (
                f"    sop_file: ../sops/sop-{i % 20:02d}.md\n"
                if i % 2
                else "    sop: |\n" + "".join(f"      {line}\n" for line in SOP.splitlines())
            )
            docs.append(
                "apiVersion: duvoform/v1\nkind: Assignment\n"
                f"metadata:\n  name: Assignment {i:05d}\n  labels: {{team: t{i % 20}}}\n"
                f"spec:\n  folder: Team {i % 20:02d}\n  slack_enabled: true\n"
                "  agentic_memory_enabled: true\n  build:\n    model: claude-sonnet-4-6\n"
                "    browsing: {provider: anthropic, model: claude-sonnet-4-5}\n"
                f"{sop}    skills: [pdf-reader, spreadsheet]\n"
                f"    sub_agents: [Assignment {(i + 1) % count:05d}]\n"
                f"    handover_to: [Assignment {(i + 7) % count:05d}]\n"
                f"    connections: [Warehouse {i % 5}]\n"
                "    revision_name: 'Release {{ vars.release }}'\n"
            )
        (root / "assignments" / f"batch-{start // PER_FILE:04d}.yaml").write_text(
            "---\n".join(docs)
        )


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def c_loader(files: list[Path]) -> None:
    """Parse every file with PyYAML's C loader, and nothing else."""
    for path in files:
        list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))


def our_parser(files: list[Path]) -> None:
    """Parse every file with duvoform's fast path (duplicate keys and aliases checked)."""
    for path in files:
        parse_documents(path.read_text(encoding="utf-8"), path.name)


def measure(size: int, repeat: int) -> tuple[float, float, float, float]:
    """Seconds for: the C loader alone, our parser, load_manifests, load_manifests + graph."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, size)
        files = sorted(root.rglob("*.yaml"))
        baseline = best(repeat, lambda: c_loader(files))
        parsed = best(repeat, lambda: our_parser(files))
        loaded = best(repeat, lambda: load_manifests([root]))
        graphed = best(repeat, lambda: DesiredState.build(load_manifests([root])))
    return baseline, parsed, loaded, graphed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = ("assignments", "CSafeLoader", "parse", "ratio", "load", "ratio", "+graph", "ratio")
    print("{:>11} {:>12} {:>8} {:>6} {:>8} {:>6} {:>8} {:>6}".format(*header))
    for size in args.sizes:
        baseline, parsed, loaded, graphed = measure(size, args.repeat)
        print(
            f"{size:>11} {baseline:>11.3f}s "
            + " ".join(f"{t:>7.3f}s {t / baseline:>5.2f}x" for t in (parsed, loaded, graphed))
        )


if __name__ == "__main__":
    main()

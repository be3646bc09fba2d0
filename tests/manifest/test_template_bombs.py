"""Every template bomb in bombs/bombs.yaml is refused by ``validate`` at its file:line.

Each runs in a child process with a 1 GB address-space limit, so that a MemoryError is a
failure rather than a quiet pass, and the children's peak memory is measured.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BOMBS: dict[str, str] = yaml.safe_load(
    (Path(__file__).parent / "bombs" / "bombs.yaml").read_text(encoding="utf-8")
)
ADDRESS_SPACE = 1 << 30
PEAK_LIMIT_MB = 500


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_the_corpus_holds_every_bomb_of_the_issue() -> None:
    assert len(BOMBS) >= 25


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_is_refused_at_its_line_within_memory(name: str, tmp_path: Path) -> None:
    manifest = tmp_path / "bomb.yaml"
    manifest.write_text(
        f"apiVersion: duvoform/v1\nkind: Folder\nmetadata:\n  name: {json.dumps(BOMBS[name])}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "duvoform", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=120,
        check=False,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"{manifest}:4:9: " in output
    assert "Traceback" not in output
    assert "MemoryError" not in output
    assert "template not allowed: " in output or '"lipsum" is undefined' in output
    assert peak_mb < PEAK_LIMIT_MB

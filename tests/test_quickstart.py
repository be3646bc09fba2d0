"""``quickstart.sh``, the README's main job, runs to "No changes" on the embedded local API.

The script is run as it is, from a copy of the repository's example, except for its install
step: a stand-in ``.venv`` puts this test run's interpreter first on PATH and answers
``python -m pip ...`` with success, so the test neither installs anything nor touches the
environment it runs in.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _stand_in_venv(work: Path) -> None:
    bin_dir = work / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    shim = bin_dir / "python"
    shim.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    scripts = Path(sys.executable).parent
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:{scripts}:$PATH"\n')


def test_the_main_job_ends_with_no_changes(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / ".git").mkdir()  # the manifest root search stops here
    shutil.copy2(ROOT / "quickstart.sh", work / "quickstart.sh")
    shutil.copytree(
        ROOT / "examples" / "manifests",
        work / "examples" / "manifests",
        ignore=shutil.ignore_patterns("secrets"),
    )
    _stand_in_venv(work)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO")}
    env.pop("SNOWFLAKE_MCP_TOKEN", None)
    env["PYTHON"] = sys.executable
    result = subprocess.run(
        ["bash", "quickstart.sh"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for step in ("1/5", "2/5", "3/5", "4/5", "5/5"):
        assert f"==> {step}" in out
    assert "Apply complete:" in out
    consent = "The embedded local API stands in for the person: consent given."
    assert result.stderr.count(consent) == 3
    assert "No changes. Live state matches the manifests." in out
    assert "Traceback" not in result.stderr
    # The demo secrets never reach the output, and the demo key file is removed again.
    assert "demo-erp-key" not in out + result.stderr
    assert "demo-snowflake-token" not in out + result.stderr
    assert not (work / "examples" / "manifests" / "secrets" / "erp-key.txt").exists()

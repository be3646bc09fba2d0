"""The wheel works on its own: ``python -m build`` makes the sdist and the wheel, the wheel is
installed into a fresh virtual environment, and the installed ``duvoform`` runs ``--version``,
``schema`` and a plan of the examples against the embedded emulator (whose OpenAPI document
and schemas must therefore be in the wheel).

Skipped only when the ``build`` package is missing, and never in CI (``CI`` set): there the
missing tool is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from duvoform import __version__

REPO = Path(__file__).parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.packaging]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUVO_", "VIRTUAL_ENV"))}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def test_the_wheel_installs_into_a_fresh_venv_and_plans_the_examples(tmp_path: Path) -> None:
    if importlib.util.find_spec("build") is None:
        if os.environ.get("CI"):
            pytest.fail("the build package is missing in CI: pip install -e '.[test]'")
        pytest.skip("the build package is not installed")
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "build", "--outdir", str(dist), str(REPO), cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1
    assert len(sorted(dist.glob("*.tar.gz"))) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    assert {"duvoform/emulator/openapi.json", "duvoform/py.typed"} <= names

    venv.create(tmp_path / "venv", with_pip=True)
    bindir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    pip = _run(str(bindir / "python"), "-m", "pip", "install", "-q", str(wheels[0]), cwd=tmp_path)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    duvoform = str(bindir / "duvoform")

    version = _run(duvoform, "--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"duvoform, version {__version__}\n")

    schema = _run(duvoform, "schema", cwd=tmp_path)
    assert schema.returncode == 0, schema.stderr
    assert '"title": "duvoform manifest"' in schema.stdout

    work = tmp_path / "work"
    shutil.copytree(REPO / "examples" / "manifests", work / "manifests")
    (work / ".git").mkdir()  # the manifest root search stops here
    plan = _run(duvoform, "--api-url", "local", "plan", "manifests", cwd=work)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "Plan:" in plan.stdout

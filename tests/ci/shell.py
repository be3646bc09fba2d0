"""Running one CI script with bash the way runners do, and reading what it leaves behind."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BASE_PATH", "ShellResult", "base_environment", "parse_outputs", "run_bash"]

# A runner's PATH: the system's, without the virtual environment the tests run in, so that a
# `duvoform` on PATH can only come from an install step of the CI file under test.
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_PASSED_THROUGH = re.compile(r"^(PIP_.*|SSL_CERT_.*|REQUESTS_CA_BUNDLE|LANG|LC_ALL|TZ)$")
_HEREDOC = re.compile(r"^([^=<\s]+)<<(.+)$")


@dataclass(frozen=True)
class ShellResult:
    """Exit status and the combined stdout/stderr, as a CI log shows them."""

    status: int
    log: str


def base_environment(home: Path, *, offline_pip: bool = False) -> dict[str, str]:
    """A clean environment: PATH, HOME, locale and the machine's pip/TLS settings.

    ``offline_pip``: pip uses no package index (when everything it installs is local).
    """
    env = {key: value for key, value in os.environ.items() if _PASSED_THROUGH.match(key)}
    env.update({"PATH": BASE_PATH, "HOME": str(home), "CI": "true"})
    env.setdefault("LANG", "C.UTF-8")
    if offline_pip:
        env["PIP_NO_INDEX"] = "1"
    return env


def run_bash(script: str, *, cwd: Path, env: Mapping[str, str], script_file: Path) -> ShellResult:
    """``bash --noprofile --norc -eo pipefail FILE``, as GitHub and GitLab run a ``bash`` step."""
    script_file.parent.mkdir(parents=True, exist_ok=True)
    script_file.write_text(script, "utf-8")
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
        check=False,
    )
    return ShellResult(completed.returncode, completed.stdout.decode("utf-8", "replace"))


def parse_outputs(path: Path) -> dict[str, str]:
    """A ``$GITHUB_OUTPUT`` file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    outputs: dict[str, str] = {}
    if not path.exists():
        return outputs
    lines = iter(path.read_text("utf-8").splitlines())
    for line in lines:
        heredoc = _HEREDOC.match(line)
        if heredoc is not None:
            name, delimiter = heredoc.groups()
            value: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            else:
                raise ValueError(f"{path}: {name}<<{delimiter} is never closed")
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, _, value_text = line.partition("=")
            outputs[name] = value_text
        elif line.strip():
            raise ValueError(f"{path}: cannot read output line {line!r}")
    return outputs

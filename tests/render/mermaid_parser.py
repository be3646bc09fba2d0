"""mermaid's own parser, run under Node, for the tests of the mermaid writer.

``MermaidParser.install()`` copies ``tests/render/mermaid/`` (``package.json``, the committed
``package-lock.json`` and ``parse.mjs``) into a cache directory named by a hash of those files,
runs ``npm ci`` there once, and reuses it afterwards. The cache lives under
``$DUVOFORM_TEST_CACHE``, else ``$XDG_CACHE_HOME/duvoform-tests``, else
``~/.cache/duvoform-tests``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SOURCE", "MermaidParser", "NodeMissingError"]

SOURCE = Path(__file__).parent / "mermaid"
_FILES = ("package.json", "package-lock.json", "parse.mjs")


class NodeMissingError(RuntimeError):
    """``node`` or ``npm`` is not on the PATH."""


def _cache_root() -> Path:
    if explicit := os.environ.get("DUVOFORM_TEST_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "duvoform-tests"


@dataclass(frozen=True)
class MermaidParser:
    """A directory holding mermaid and ``parse.mjs``, ready to run."""

    directory: Path

    @classmethod
    def install(cls) -> MermaidParser:
        """The installed parser, running ``npm ci`` first when this version is not cached."""
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            raise NodeMissingError("mermaid's parser needs node and npm on the PATH")
        digest = hashlib.sha256()
        for name in _FILES:
            digest.update((SOURCE / name).read_bytes())
        target = _cache_root() / f"mermaid-{digest.hexdigest()[:16]}"
        if not (target / "node_modules" / "mermaid").is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="mermaid-", dir=target.parent))
            for name in _FILES:
                shutil.copy2(SOURCE / name, staging / name)
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=staging,
                check=True,
                capture_output=True,
                timeout=600,
            )
            try:
                staging.rename(target)
            except OSError:  # another run installed it meanwhile
                shutil.rmtree(staging, ignore_errors=True)
        return cls(target)

    def parse(self, *texts: str) -> list[dict[str, Any]]:
        """What mermaid understood of each text: ``{"error"}`` or its vertices, edges and
        subgraphs (see ``parse.mjs``)."""
        done = subprocess.run(
            ["node", "parse.mjs"],
            cwd=self.directory,
            input=json.dumps(list(texts)),
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        result: list[dict[str, Any]] = json.loads(done.stdout)
        return result

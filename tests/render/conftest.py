"""Fixtures of the render tests: mermaid's own parser (installed once per cache, see
``mermaid_parser``)."""

from __future__ import annotations

import os

import pytest

from tests.render.mermaid_parser import MermaidParser, NodeMissingError


@pytest.fixture(scope="session")
def mermaid() -> MermaidParser:
    """mermaid's parser under Node; skipped without Node, except in CI (``CI`` set), where a
    missing Node is a failure."""
    try:
        return MermaidParser.install()
    except NodeMissingError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))

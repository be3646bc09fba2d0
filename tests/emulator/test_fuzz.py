"""Fuzzing the emulator against ``openapi.json`` with schemathesis, over real HTTP.

Every documented operation gets a bounded number of generated requests (valid and invalid);
none may cause a server error or a status code the operation does not document, and every
answer must match the documented response schema, content type and headers.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from duvoform.emulator import EmulatorControl
from tests.emulator.spec import spec
from tests.helpers import seeded_agent

EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


schema = schemathesis.openapi.from_dict(spec())


@pytest.fixture
def fuzz_target(emulator: EmulatorControl) -> EmulatorControl:
    emulator.set_rate_limit(10_000_000, 60)
    emulator.seed(
        {
            "folders": [{"name": "Finance"}],
            "agents": [seeded_agent("Seeded", "x", build="b")],
            "connections": [{"name": "Conn", "server_url": "https://mcp.example.com"}],
        }
    )
    return emulator


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz_finds_no_server_error_and_no_undocumented_status(
    case: Any, fuzz_target: EmulatorControl
) -> None:
    case.call_and_validate(
        base_url=fuzz_target.base_url, headers=fuzz_target.headers, checks=CHECKS
    )

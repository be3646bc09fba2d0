from __future__ import annotations

import duvoform.api
import duvoform.api.models
import duvoform.engine.live


def test_public_api_is_exported_and_documented() -> None:
    for module in (duvoform.api, duvoform.api.models, duvoform.engine.live):
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not name.isupper():
                assert value.__doc__, f"{module.__name__}.{name} has no docstring"


def test_the_client_offers_every_operation_the_planner_and_executor_call() -> None:
    expected = {
        "list_agents", "get_agent", "create_agent", "update_agent", "list_builds", "get_build",
        "create_build", "update_build", "promote_build", "list_slots", "attach_slots",
        "remove_slot", "list_pins", "pin", "unpin", "list_folders", "create_folder",
        "update_folder", "delete_folder", "move_agents", "list_connections", "get_connection",
        "create_connection", "update_connection", "delete_connection", "get_credentials",
        "start_native_oauth", "start_mcp_oauth", "check_mcp_oauth", "probe_mcp",
        "start_composio", "finalize_composio", "list_schedules",
    }  # fmt: skip
    missing = {
        name for name in expected if not callable(getattr(duvoform.api.DuvoClient, name, None))
    }
    assert missing == set()

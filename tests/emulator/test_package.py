from __future__ import annotations

import duvoform.emulator as emulator


def test_public_api_is_curated() -> None:
    assert sorted(emulator.__all__) == [
        "DEFAULT_KEY",
        "DEFAULT_TEAM",
        "EmulatedDisconnect",
        "EmulatorControl",
        "EmulatorSettings",
        "FaultSettings",
        "catalog_id",
        "create_app",
        "run_server",
        "serve_in_thread",
        "team_id_for",
    ]
    for name in emulator.__all__:
        assert getattr(emulator, name) is not None


def test_catalog_ids_are_stable_uuid5_of_the_slug() -> None:
    assert emulator.catalog_id("gmail") == emulator.catalog_id("gmail")
    assert emulator.catalog_id("gmail") != emulator.catalog_id("slack")
    assert emulator.team_id_for("local") == "5133536a-bcb7-53a5-a05e-d9eec138f833"

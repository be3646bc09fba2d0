"""End to end on a team that colleagues change by hand: a rename onto a name a colleague's
object holds is refused before any write, for every kind, and prune spares previous names."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke, names
from tests.engine.safety.helpers import assignment_doc, custom_doc, docs, folder_doc, uid
from tests.engine.safety.test_end_to_end import live_names, output, write

PRUNE_ALL = "prune:\n  kinds: [Folder, Connection]\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return tmp_path


def ours() -> dict[str, str]:
    return {
        "team.yaml": docs(
            folder_doc("Ops"),
            custom_doc("CRM", "crm"),
            assignment_doc("Deal desk", folder="Ops"),
        )
    }


def colleagues(emulator: EmulatorControl) -> None:
    """A colleague makes ``Operations``, ``CRM v2`` and ``Deal desk v2`` in the web app."""
    emulator.seed(
        {
            "folders": [{"id": uid("folder:Operations"), "name": "Operations", "parent": None}],
            "connections": [
                {
                    "id": uid("connection:CRM v2"),
                    "name": "CRM v2",
                    "server_url": "https://mcp.example.com/colleague",
                    "auth_method": "url",
                }
            ],
            "agents": [
                {
                    "id": uid("agent:Deal desk v2"),
                    "name": "Deal desk v2",
                    "builds": [
                        {
                            "name": "web",
                            "config": {
                                "version": "v2",
                                "data": {
                                    "models": {
                                        "agent": {"model": "gpt-5"},
                                        "browsing": {"provider": "anthropic", "model": "x"},
                                    },
                                    "input": "The colleague's SOP.",
                                },
                            },
                        }
                    ],
                }
            ],
        }
    )


def renamed(meta: dict[str, str] | None = None) -> dict[str, str]:
    meta = meta or {}
    return {
        "duvoform.yaml": PRUNE_ALL,
        "team.yaml": docs(
            folder_doc("Operations", meta=meta.get("Folder", ", previous_names: [Ops]")),
            custom_doc("CRM v2", "crm", meta=meta.get("Connection", ", previous_names: [CRM]")),
            assignment_doc(
                "Deal desk v2",
                meta=meta.get("Assignment", ", previous_names: [Deal desk]"),
                folder="Operations",
            ),
        ),
    }


def test_a_rename_onto_a_colleagues_name_is_refused_for_every_kind(
    emulator: EmulatorControl, root: Path
) -> None:
    made = invoke(emulator, "apply", "--auto-approve", write(root, ours()))
    assert made.exit_code == 0, output(made)
    colleagues(emulator)
    before = live_names(emulator)
    manifests = write(root, renamed())
    emulator.clear_stats()
    for command in (["plan"], ["plan", "--prune"], ["apply", "--auto-approve", "--prune"]):
        result = invoke(emulator, *command, manifests)
        assert result.exit_code == 1, output(result)
        for kind, old, new in (
            ("Folder", "Ops", "path"),
            ("Connection", "CRM", "name"),
            ("Assignment", "Deal desk", "name"),
        ):
            assert f'renaming it from "{old}" would give it the {new}' in result.stderr, (
                kind,
                result.stderr,
            )
        assert uid("connection:CRM v2") in result.stderr
        assert uid("agent:Deal desk v2") in result.stderr
        assert uid("folder:Operations") in result.stderr
    assert emulator.stats()["writes"] == 0
    assert live_names(emulator) == before


def test_prune_never_deletes_a_previous_name(emulator: EmulatorControl, root: Path) -> None:
    made = invoke(emulator, "apply", "--auto-approve", write(root, ours()))
    assert made.exit_code == 0, output(made)
    colleagues(emulator)
    # The team decides the colleague's objects are the ones to keep: pinned by id.
    manifests = write(
        root,
        renamed(
            {
                "Folder": f", id: {uid('folder:Operations')}, previous_names: [Ops]",
                "Connection": f", id: {uid('connection:CRM v2')}, previous_names: [CRM]",
                "Assignment": f", id: {uid('agent:Deal desk v2')}, previous_names: [Deal desk]",
            }
        ),
    )
    planned = invoke(emulator, "plan", "--prune", manifests)
    assert planned.exit_code == 0, output(planned)
    assert "Connection/CRM" not in planned.stdout.replace("Connection/CRM v2", "")
    assert "previous_names" in planned.stdout
    applied = invoke(emulator, "apply", "--auto-approve", "--prune", manifests)
    assert applied.exit_code == 0, output(applied)
    assert names(emulator, "connections") == {"CRM": 1, "CRM v2": 1}
    assert names(emulator, "folders") == {"Ops": 1, "Operations": 1}

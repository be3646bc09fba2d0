"""``show_object``: one live object read, mapped to its manifest document, compared with its
manifest when manifests are given, and counted in requests (against the embedded local API)."""

from __future__ import annotations

from pathlib import Path

from duvoform.app import App
from duvoform.kinds.document import Document, Skipped
from duvoform.lookup import NameIndex, parse_address, show_object
from duvoform.manifest import load_manifests


async def test_a_folder_is_read_mapped_and_compared(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    manifest = tmp_path / "finance.yaml"
    manifest.write_text(
        "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\nspec: {}\n"
    )
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        made = await client.create_folder({"name": "Finance"})
        address = parse_address("Folder/Finance")
        alone = await show_object(client, address, None, state_dir=app.state_dir, api_url="local")
        compared = await show_object(
            client, address, load_manifests([manifest]), state_dir=app.state_dir, api_url="local"
        )
    assert alone.facts["id"] == made.id
    assert (alone.facts["path"], alone.facts["subfolders"]) == ("Finance", [])
    assert isinstance(alone.document, Document)
    assert alone.document.data["metadata"] == {"name": "Finance"}
    assert alone.comparison is None
    assert alone.requests == 1  # the folder list; it holds no assignments
    assert compared.comparison is not None
    assert compared.comparison.address == "Folder/Finance"
    assert not compared.comparison.plan.has_changes


async def test_an_assignment_found_by_name_is_remembered_in_the_name_index(
    tmp_path: Path,
) -> None:
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        agent = (await client.create_agent({"name": "Triage"})).agent
        shown = await show_object(
            client,
            parse_address("Assignment/Triage"),
            None,
            state_dir=app.state_dir,
            api_url="local",
        )
    assert (shown.facts["id"], shown.facts["name"]) == (agent.id, "Triage")
    assert isinstance(shown.document, Skipped)  # no build yet: nothing to write as a manifest
    assert NameIndex.load(app.state_dir, "local").ids_named("Triage") == (agent.id,)

"""``import_team``: the live team written as manifests, the project file once, and the name
index replaced only when every assignment was read (against the embedded local API)."""

from __future__ import annotations

from pathlib import Path

from duvoform.app import App
from duvoform.importer import ImportOptions
from duvoform.importer.run import import_team
from duvoform.lookup import NameIndex


async def test_the_team_is_written_and_the_name_index_follows_it(tmp_path: Path) -> None:
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    out = tmp_path / "team"
    async with app.client() as client:
        await client.create_folder({"name": "Finance"})
        agent = (await client.create_agent({"name": "Triage"})).agent
        first = await import_team(
            client, ImportOptions(), out, state_dir=app.state_dir, api_url="local"
        )
        again = await import_team(
            client,
            ImportOptions(kinds=("Folder",)),
            out,
            force=True,
            state_dir=app.state_dir,
            api_url="local",
        )
    assert first.project == out / "duvoform.yaml"
    assert again.project is None  # there is one already
    assert first.result.count("Folder") == 1
    assert all(path.is_file() for path in first.written)
    assert NameIndex.load(app.state_dir, "local").ids_named("Triage") == (agent.id,)

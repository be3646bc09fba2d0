from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from duvoform.cli import cli

SCHEMAS = Path(__file__).parents[2] / "schemas"


def test_committed_schemas_are_up_to_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    generated = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in SCHEMAS.glob("*.json")}
    assert sorted(generated) == [
        "assignment.schema.json",
        "connection.schema.json",
        "duvoform-project.schema.json",
        "duvoform.schema.json",
        "folder.schema.json",
    ]
    stale = sorted(name for name in generated if generated[name] != committed.get(name))
    assert stale == [], f"run `duvoform schema --out schemas` and commit: {stale}"
    assert sorted(committed) == sorted(generated)


def test_without_out_the_combined_schema_is_printed() -> None:
    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "duvoform manifest"
    assert schema["discriminator"]["propertyName"] == "kind"
    assert schema == json.loads((SCHEMAS / "duvoform.schema.json").read_text())


def test_unwritable_out_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["schema", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot write schemas to")
    assert "Traceback" not in result.output

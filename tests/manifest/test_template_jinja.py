"""jinja2 is imported only when a string needs more than variable lookups."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from duvoform.manifest.template import MAX_TEMPLATE_VALUE
from duvoform.manifest.template_limits import MAX_STRING

_PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from duvoform.manifest import load_manifests
    manifests = load_manifests([Path(sys.argv[1])])
    print(sorted(r.name for r in manifests.resources))
    print("jinja2" in sys.modules)
    """
)

_FOLDER = "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {{name: {name}}}\nspec: {{}}\n"


def _load_in_fresh_process(root: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_the_two_bounds_agree() -> None:
    assert MAX_TEMPLATE_VALUE == MAX_STRING


def test_variable_lookups_render_without_importing_jinja2(tmp_path: Path) -> None:
    (tmp_path / "duvoform.yaml").write_text("vars: {region: EMEA}\n")
    (tmp_path / "f.yaml").write_text(_FOLDER.format(name="'Ops {{ vars.region }}'"))
    assert _load_in_fresh_process(tmp_path) == ["['Ops EMEA']", "False"]


def test_a_filter_takes_jinja2(tmp_path: Path) -> None:
    (tmp_path / "duvoform.yaml").write_text("vars: {region: emea}\n")
    (tmp_path / "f.yaml").write_text(_FOLDER.format(name="'Ops {{ vars.region | upper }}'"))
    assert _load_in_fresh_process(tmp_path) == ["['Ops EMEA']", "True"]

"""Whatever a document holds, loading reports problems and never crashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duvoform.engine.graph import DesiredState
from duvoform.errors import ManifestError
from duvoform.manifest import load_manifests

FIELDS = [
    "apiVersion", "kind", "metadata", "spec", "name", "id", "previous_names", "protected",
    "labels", "parent", "ensure", "folder", "slack_enabled", "build", "model", "browsing",
    "provider", "sop", "sop_file", "skills", "sub_agents", "handover_to", "connections",
    "options", "revision_name", "type", "server_url", "auth_method", "headers", "plaintext",
    "secret", "env", "file", "oauth", "flow", "app", "auth_config_id",
]  # fmt: skip
WORDS = [
    "duvoform/v1", "Folder", "Assignment", "Connection", "absent", "present", "A", "B",
    "custom_mcp", "https://h.example", "native", "gmail", "../x.md", "/abs", "{{ vars.x }}",
    "{% if %}", "Finance/A", "",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(WORDS),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=4),
    ),
    max_leaves=20,
)
DOCUMENT = st.fixed_dictionaries(
    {
        "apiVersion": st.just("duvoform/v1"),
        "kind": st.sampled_from(["Folder", "Assignment", "Connection"]),
    },
    optional={"metadata": VALUES, "spec": VALUES},
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents=st.lists(st.one_of(DOCUMENT, VALUES), min_size=1, max_size=4))
def test_any_documents_load_or_raise_a_manifest_error(tmp_path: Path, documents: list[Any]) -> None:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "m.yaml").write_text(yaml.safe_dump_all(documents, allow_unicode=True))
    problems = None
    try:
        DesiredState.build(load_manifests([tmp_path]))
    except ManifestError as exc:  # the only acceptable failure
        problems = exc.problems
    if problems is not None:
        assert problems
        assert all(p.reasons for p in problems)

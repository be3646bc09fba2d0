"""Build digests, build names and the comparable form of builds."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from duvoform.api.models import Build
from duvoform.kinds import BuildSpec
from duvoform.kinds.assignment.digest import (
    BOOTSTRAP_NAME,
    build_digest,
    build_name,
    canonical_build,
    canonical_json,
    desired_readable,
    is_bootstrap,
    live_readable,
    normalise_sop,
    parse_digest,
)
from tests.engine.helpers import v2


def spec(**fields: Any) -> BuildSpec:
    fields.setdefault("model", "claude-sonnet-4-6")
    fields.setdefault("sop", "Do the work.\n")
    return BuildSpec.model_validate(fields)


def test_the_digest_is_pinned() -> None:
    # A change here rebuilds every assignment of every team on its next apply: it must be
    # deliberate (and noted in the release notes), never a side effect.
    build = spec(skills=["pdf-reader"], sub_agents=["Vendor lookup"], options={"a": 1})
    canonical = (
        '{"browsing":{"model":"claude-sonnet-4-5","provider":"anthropic"},"connections":[],'
        '"files":[],"handover_to":[],"model":"claude-sonnet-4-6","options":{"a":1},'
        '"plugins":[],"skills":["pdf-reader"],"sop":"Do the work.","sub_agents":["Vendor lookup"]}'
    )
    assert build_digest(build) == hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert build_digest(build) == "23e9c07034811da1"


def test_the_digest_ignores_list_order_trailing_newlines_and_labels() -> None:
    one = spec(skills=["a", "b"], handover_to=["X", "Y"], sop="Text\n", revision_name="Q3")
    two = spec(skills=["b", "a"], handover_to=["Y", "X"], sop="Text", revision_name="Q4")
    assert build_digest(one) == build_digest(two)


def test_the_digest_covers_every_part_of_the_build() -> None:
    base = build_digest(spec())
    for change in (
        {"model": "claude-opus-4-7"},
        {"browsing": {"provider": "google", "model": "gemini-2.5-pro"}},
        {"sop": "Do other work."},
        {"sop": "  Do the work."},
        {"skills": ["x"]},
        {"files": ["f"]},
        {"plugins": ["p"]},
        {"sub_agents": ["A"]},
        {"handover_to": ["A"]},
        {"connections": ["C"]},
        {"options": {"browserProvider": "browserbase"}},
    ):
        assert build_digest(spec(**change)) != base, change


def test_canonical_form_uses_names_and_sorted_lists() -> None:
    canonical = canonical_build(spec(sub_agents=["B", "A"], connections=["Z", "Y"]))
    assert canonical["sub_agents"] == ["A", "B"]
    assert canonical["connections"] == ["Y", "Z"]
    assert canonical["sop"] == "Do the work."


def test_build_names_carry_the_digest_and_parse_back() -> None:
    digest = build_digest(spec())
    name = build_name(digest)
    assert name == f"duvoform:{digest}"
    assert parse_digest(name) == digest
    assert parse_digest(f"Release 2026.11 ({name})") == digest
    assert parse_digest(f"duvoform:{'0' * 16} then {name}") == digest  # the last one wins
    assert parse_digest("duvoform:0123456789abcdef0") is None  # 17 hex digits: not ours
    assert parse_digest("duvoform:0123456789ABCDEF") is None
    assert parse_digest("Initial setup") is None
    assert parse_digest(None) is None
    assert parse_digest(BOOTSTRAP_NAME) is None
    assert is_bootstrap(BOOTSTRAP_NAME)
    assert not is_bootstrap(name)
    assert not is_bootstrap(None)


def test_sop_normalisation_strips_trailing_line_breaks_only() -> None:
    assert normalise_sop("a\n\n") == "a"
    assert normalise_sop("a\r\n") == "a"
    assert normalise_sop("a  \n") == "a  "
    assert normalise_sop("\na") == "\na"


def test_a_v2_live_build_reads_like_the_desired_one() -> None:
    live = Build.model_validate(
        {
            "id": "b",
            "config": v2(
                "Do the work.",
                skills=["pdf-reader"],
                subAgents=["id-1"],
                options={"browserProvider": "browserbase", "custom": 1},
            ),
        }
    )
    readable = live_readable(live)
    desired = desired_readable(
        spec(skills=["pdf-reader"], options={"browserProvider": "browserbase", "custom": 1}),
        frozenset({"id-1"}),
    )
    assert readable == desired


def test_legacy_and_unknown_configs() -> None:
    legacy = Build.model_validate(
        {
            "id": "b",
            "config": {
                "data": {"model": "gpt-4o", "tools": [], "input": "Hi\n", "files": [], "skills": []}
            },
        }
    )
    readable = live_readable(legacy)
    assert (readable.version, readable.model, readable.sop) == ("v1", "gpt-4o", "Hi")
    other = Build.model_validate({"id": "b", "config": {"version": "v9", "data": {}}})
    assert live_readable(other).version == "other"
    assert live_readable(None).version == "other"


def test_structured_messages_are_kept_as_data() -> None:
    messages = [{"role": "system", "content": "Be brief."}]
    live = Build.model_validate({"id": "b", "config": v2(messages)})
    assert live_readable(live).sop == [{"role": "system", "content": "Be brief."}]


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    sop=_TEXT,
    model=_TEXT,
    names=st.lists(_TEXT, max_size=4),
    options=st.dictionaries(
        _TEXT, st.none() | st.booleans() | st.integers() | st.floats() | _TEXT, max_size=3
    ),
)
def test_canonical_json_is_what_json_dumps_writes(
    sop: str, model: str, names: list[str], options: dict[str, Any]
) -> None:
    canonical = {
        "model": model,
        "browsing": {"provider": "anthropic", "model": model},
        "sop": sop,
        "skills": sorted(names),
        "files": [],
        "plugins": names,
        "sub_agents": [],
        "handover_to": sorted(names),
        "connections": [],
        "options": options,
    }
    expected = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(canonical) == expected.encode()

from __future__ import annotations

import json

import pytest

from duvoform.engine.steps import Op, Step, build_key, ref, refs_in, resolve, secret, secrets_in


def _step() -> Step:
    return Step(
        id="Assignment/A#1",
        op=Op.BUILD_CREATE,
        address="Assignment/A",
        params={
            "agent": ref("Assignment/A"),
            "config": {"data": {"subAgents": [ref("Assignment/B"), ref("Assignment/C")]}},
            "headers": {"secret": {"Authorization": secret({"env": "TOKEN"})}},
        },
        after=("Assignment/B#1",),
    )


def test_step_round_trips_through_json() -> None:
    step = _step()
    again = Step.from_json(json.loads(json.dumps(step.to_json())))
    assert again == Step(
        id=step.id, op=step.op, address=step.address, params=again.params, after=step.after
    )
    assert again.params == step.params


def test_references_and_secrets_are_found_anywhere() -> None:
    step = _step()
    assert step.references() == {"Assignment/A", "Assignment/B", "Assignment/C"}
    assert list(secrets_in(step.params)) == [{"env": "TOKEN"}]


def test_resolve_replaces_refs_and_reveals_secrets() -> None:
    ids = {"Assignment/A": "a-id", "Assignment/B": "b-id", "Assignment/C": "c-id"}
    resolved = resolve(_step().params, ids, lambda r: f"value-of-{r['env']}")
    assert resolved == {
        "agent": "a-id",
        "config": {"data": {"subAgents": ["b-id", "c-id"]}},
        "headers": {"secret": {"Authorization": "value-of-TOKEN"}},
    }


def test_resolve_without_a_secret_resolver_refuses() -> None:
    with pytest.raises(ValueError, match="secret"):
        resolve(_step().params, {"Assignment/A": "a", "Assignment/B": "b", "Assignment/C": "c"})


def test_resolve_names_a_missing_address() -> None:
    with pytest.raises(KeyError, match="Assignment/B"):
        resolve({"x": ref("Assignment/B")}, {})


def test_a_mapping_with_more_keys_is_not_a_marker() -> None:
    value = {"$ref": "Folder/F", "other": 1}
    assert list(refs_in(value)) == []
    assert resolve(value, {}) == value


def test_build_key() -> None:
    assert build_key("Assignment/A") == "Assignment/A@build"

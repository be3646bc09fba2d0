from __future__ import annotations

import pytest

from duvoform.errors import (
    ApiError,
    AuthError,
    DuvoformError,
    Location,
    ManifestError,
    Problem,
    ProblemCollector,
    StalePlanError,
    UncertainWriteError,
)


def test_problem_renders_file_line_col_resource_and_reason() -> None:
    problem = Problem(
        Location("m/ap.yaml", 12, 3),
        ("spec.build.model: field required",),
        'Assignment "Invoice triage"',
    )
    assert problem.render() == (
        'm/ap.yaml:12:3: Assignment "Invoice triage": spec.build.model: field required'
    )


def test_problem_with_many_reasons_lists_each() -> None:
    problem = Problem(Location("a.yaml", 1, 1), ("first", "second"), 'Folder "x"')
    assert problem.render() == 'a.yaml:1:1: Folder "x":\n  - first\n  - second'


def test_collector_sorts_by_location_and_raises_all() -> None:
    collector = ProblemCollector()
    collector.add(Location("b.yaml", 3, 1), "late")
    collector.add(Location("a.yaml", 9, 2), "early")
    with pytest.raises(ManifestError) as info:
        collector.raise_manifest_error()
    assert [p.reasons[0] for p in info.value.problems] == ["early", "late"]
    assert info.value.render().endswith("2 problems found")


def test_empty_collector_raises_nothing() -> None:
    ProblemCollector().raise_manifest_error()


def test_auth_error_names_the_environment_variable() -> None:
    err = AuthError("GET", "/v1/agents", 401, "Unauthorized")
    assert "DUVO_API_KEY" in err.render()
    assert "401" in err.render()
    assert isinstance(err, ApiError)


def test_uncertain_write_is_a_transport_error_and_duvoform_error() -> None:
    err = UncertainWriteError("POST", "/v1/agents", "connection reset")
    assert isinstance(err, DuvoformError)
    assert "outcome unknown" in err.render()


def test_stale_plan_names_each_changed_object() -> None:
    err = StalePlanError(["Assignment/A", "Folder/F"])
    assert "Assignment/A" in err.render()
    assert "Folder/F" in err.render()


def test_uncertain_write_str_says_the_outcome_is_unknown() -> None:
    assert "outcome unknown" in str(UncertainWriteError("POST", "/v1/agents", "reset"))


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_the_docstring_tree_names_every_error_class() -> None:
    import duvoform.errors as errors_module

    doc = errors_module.__doc__ or ""
    public = {c for c in _subclasses(DuvoformError) if not c.__name__.startswith("_")}
    missing = sorted(c.__name__ for c in public if f"── {c.__name__} " not in doc)
    assert missing == []

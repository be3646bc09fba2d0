from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (
            "duvoform.manifest",
            {
                "Manifests",
                "ProjectSettings",
                "PruneScope",
                "Safety",
                "load_manifests",
                "manifest_digest",
                "resolve_secret",
            },
        ),
        ("duvoform.engine.graph", {"DesiredState", "ResolvedReference"}),
    ],
)
def test_public_api_is_curated(module: str, expected: set[str]) -> None:
    imported = importlib.import_module(module)
    assert set(imported.__all__) == expected
    for name in imported.__all__:
        assert getattr(imported, name) is not None


def test_model_exports_resolve() -> None:
    model = importlib.import_module("duvoform.kinds")
    assert {"Folder", "Assignment", "Connection", "Resource", "SecretRef", "kinds"} <= set(
        model.__all__
    )
    for name in model.__all__:
        assert getattr(model, name) is not None

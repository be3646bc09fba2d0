from __future__ import annotations

from typing import Any, ClassVar, Literal
from uuid import UUID

import pytest
from pydantic import ValidationError

from duvoform.kinds import (
    DEFAULT_BROWSING,
    AbsentConnectionSpec,
    Assignment,
    Connection,
    CustomMcpConnectionSpec,
    Folder,
    NativeOAuth,
    OAuthConnectionSpec,
    Resource,
    SecretRef,
    kind_class,
    kinds,
    register,
)


def doc(kind: str, name: str, spec: Any = None, **metadata: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "apiVersion": "duvoform/v1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
    }
    if spec is not None:
        data["spec"] = spec
    return data


def error_types(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[Any, str]]:
    return [(e["loc"], e["type"]) for e in exc.value.errors()]


def test_registry_maps_each_kind_to_its_class() -> None:
    assert dict(kinds()) == {"Folder": Folder, "Assignment": Assignment, "Connection": Connection}
    assert kind_class("Assignment") is Assignment
    assert kind_class("Nope") is None


def test_registering_a_kind_twice_is_an_error() -> None:
    class Impostor(Resource):
        KIND: ClassVar[str] = "Folder"
        kind: Literal["Folder"]

    with pytest.raises(ValueError, match="registered twice"):
        register(Impostor)
    assert kind_class("Folder") is Folder
    assert register(Folder) is Folder  # the same class again is harmless


def test_assignment_defaults_flags_to_false_and_browsing_to_the_built_in() -> None:
    a = Assignment.model_validate(doc("Assignment", "X", {"build": {"model": "m", "sop": "s"}}))
    assert (a.spec.slack_enabled, a.spec.microsoft_teams_enabled) == (False, False)
    assert a.spec.agentic_memory_enabled is False
    assert a.spec.build.browsing == DEFAULT_BROWSING
    assert (DEFAULT_BROWSING.provider, DEFAULT_BROWSING.model) == ("anthropic", "claude-sonnet-4-5")
    assert a.spec.build.sop_text == "s"
    assert a.ensure == "present"
    assert a.label == 'Assignment "X"'


def test_assignment_declares_its_references_with_field_paths() -> None:
    a = Assignment.model_validate(
        doc(
            "Assignment",
            "X",
            {
                "folder": "Finance/AP",
                "build": {
                    "model": "m",
                    "sop": "s",
                    "sub_agents": ["A", "B"],
                    "handover_to": ["C"],
                    "connections": ["D"],
                },
            },
        )
    )
    refs = [(r.kind, r.name, r.field_label, r.role) for r in a.references()]
    assert refs == [
        ("Folder", "Finance/AP", "spec.folder", "folder"),
        ("Assignment", "A", "spec.build.sub_agents[0]", "sub_agent"),
        ("Assignment", "B", "spec.build.sub_agents[1]", "sub_agent"),
        ("Assignment", "C", "spec.build.handover_to[0]", "handover"),
        ("Connection", "D", "spec.build.connections[0]", "connection"),
    ]


def test_sop_file_text_is_unknown_until_the_loader_reads_it() -> None:
    a = Assignment.model_validate(
        doc("Assignment", "X", {"build": {"model": "m", "sop_file": "a.md"}})
    )
    with pytest.raises(LookupError):
        _ = a.spec.build.sop_text
    a.spec.build.with_sop_text("text")
    assert a.spec.build.sop_text == "text"
    assert a.spec.build.sop_file == "a.md"


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            {"model": "m", "sop": "s", "sop_file": "a.md"},
            [(("spec", "build", "sop_file"), "sop_twice")],
        ),
        ({"model": "m"}, [(("spec", "build", "sop_file"), "sop_missing")]),
        ({"model": "m", "sop_file": "/etc/x"}, [(("spec", "build", "sop_file"), "absolute_path")]),
        ({"model": "", "sop": "s"}, [(("spec", "build", "model"), "string_too_short")]),
        (
            {"model": "m", "sop": "s", "skills": ["a", "a"]},
            [(("spec", "build", "skills"), "duplicate_item")],
        ),
        (
            {"model": "m", "sop": "s", "revision_name": "x" * 81},
            [(("spec", "build", "revision_name"), "string_too_long")],
        ),
        (
            {"model": "m", "sop": "s", "revision_description": "x" * 501},
            [(("spec", "build", "revision_description"), "string_too_long")],
        ),
    ],
)
def test_build_rules(build: dict[str, Any], expected: list[tuple[Any, str]]) -> None:
    with pytest.raises(ValidationError) as exc:
        Assignment.model_validate(doc("Assignment", "X", {"build": build}))
    assert error_types(exc) == expected


def test_an_assignment_cannot_be_absent_and_the_error_says_why() -> None:
    with pytest.raises(ValidationError) as exc:
        Assignment.model_validate(
            doc("Assignment", "X", {"ensure": "absent", "build": {"model": "m", "sop": "s"}})
        )
    (error,) = exc.value.errors()
    assert error["type"] == "assignment_absent"
    assert "cannot delete assignments" in error["msg"]


def test_folder_spec_is_optional_and_identity_is_the_path() -> None:
    f = Folder.model_validate(doc("Folder", "Finance"))
    assert f.spec.parent is None
    assert f.ensure == "present"
    assert Folder.IDENTITY == "path"
    assert Assignment.IDENTITY == "name"
    assert f.references() == ()
    child = Folder.model_validate(doc("Folder", "AP", {"parent": "Finance", "ensure": "absent"}))
    assert child.ensure == "absent"
    assert [r.field for r in child.references()] == [("spec", "parent")]


@pytest.mark.parametrize(
    ("name", "spec", "error"),
    [
        ("A/B", None, "folder_name_slash"),
        ("x" * 101, None, "string_too_long"),
        (" Finance", None, "name_whitespace"),
        ("Fin\nance", None, "name_control"),
        ("AP", {"parent": "Finance//X"}, "folder_ref"),
        ("AP", {"parent": "Finance / X"}, "folder_ref"),
    ],
)
def test_folder_name_and_reference_rules(name: str, spec: Any, error: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Folder.model_validate(doc("Folder", name, spec))
    assert [e["type"] for e in exc.value.errors()] == [error]


def test_metadata_pins_an_id_and_rejects_repeated_previous_names() -> None:
    f = Folder.model_validate(
        doc("Folder", "F", id="3C90C3CC-0D44-4B50-8888-8DD25736052A", protected=True)
    )
    assert f.metadata.id == UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert f.metadata.protected is True
    with pytest.raises(ValidationError):
        Folder.model_validate(doc("Folder", "F", previous_names=["Old", "Old"]))


def test_custom_mcp_connection_defaults_auth_method_from_headers() -> None:
    with_headers = Connection.model_validate(
        doc(
            "Connection",
            "C",
            {
                "type": "custom_mcp",
                "server_url": "https://mcp.example.com/x",
                "headers": {
                    "plaintext": {"X-Org": "acme"},
                    "secret": {"Authorization": {"env": "TOKEN"}},
                },
            },
        )
    )
    assert isinstance(with_headers.spec, CustomMcpConnectionSpec)
    assert with_headers.spec.auth_method == "headers"
    assert with_headers.spec.headers.names == ("Authorization", "X-Org")
    assert with_headers.secret_refs() == {"Authorization": SecretRef(env="TOKEN")}
    bare = Connection.model_validate(
        doc("Connection", "C", {"type": "custom_mcp", "server_url": "https://h"})
    )
    assert isinstance(bare.spec, CustomMcpConnectionSpec)
    assert bare.spec.auth_method == "url"
    assert not bare.is_oauth


def test_oauth_and_absent_connections() -> None:
    oauth = Connection.model_validate(
        doc("Connection", "G", {"oauth": {"flow": "native", "provider": "gmail"}})
    )
    assert isinstance(oauth.spec, OAuthConnectionSpec)
    assert isinstance(oauth.spec.oauth, NativeOAuth)
    assert oauth.is_oauth
    assert oauth.secret_refs() == {}
    absent = Connection.model_validate(doc("Connection", "Old", {"ensure": "absent"}))
    assert isinstance(absent.spec, AbsentConnectionSpec)
    assert absent.ensure == "absent"


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({}, "connection_shape"),
        ({"type": "custom_mcp", "server_url": "http://plain.example.com"}, "https_url"),
        # hosts that two URL parsers read differently, and terminal escapes
        (
            {"type": "custom_mcp", "server_url": "https://evil.example\\@mcp.example.com/"},
            "https_url",
        ),
        ({"type": "custom_mcp", "server_url": "https://user:pw@mcp.example.com/"}, "https_url"),
        ({"type": "custom_mcp", "server_url": "https://mcp.example.com/\x1b[2J"}, "https_url"),
        (
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "oauth": {"flow": "native", "provider": "x"},
            },
            "connection_both",
        ),
        ({"oauth": {"flow": "mcp"}}, "missing"),
        ({"oauth": {"flow": "composio", "auth_config_id": "ac_1"}}, "missing"),
        ({"oauth": {"flow": "native", "provider": "Not A Slug"}}, "string_pattern_mismatch"),
        (
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"secret": {"Authorization": "Bearer abc"}},
            },
            "secret_literal",
        ),
        (
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"secret": {"A": {"env": "X", "file": "f"}}},
            },
            "secret_ref",
        ),
        (
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"secret": {"A": {"env": "1BAD"}}},
            },
            "string_pattern_mismatch",
        ),
        (
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"plaintext": {"A": "x"}, "secret": {"a": {"env": "X"}}},
            },
            "header_twice",
        ),
    ],
)
def test_connection_rules(spec: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Connection.model_validate(doc("Connection", "C", spec))
    assert error in [e["type"] for e in exc.value.errors()]


def test_secret_reference_messages_and_reprs_never_contain_a_value() -> None:
    with pytest.raises(ValidationError) as exc:
        Connection.model_validate(
            doc(
                "Connection",
                "C",
                {
                    "type": "custom_mcp",
                    "server_url": "https://h",
                    "headers": {"secret": {"A": "sk-live-xyz"}},
                },
            )
        )
    assert all("sk-live-xyz" not in e["msg"] for e in exc.value.errors())
    ref = SecretRef(file="secrets/token.txt")
    assert ref.describe() == "file:secrets/token.txt"
    assert ref.to_json() == {"file": "secrets/token.txt"}
    assert SecretRef(env="TOKEN").to_json() == {"env": "TOKEN"}
    conn = Connection.model_validate(
        doc(
            "Connection",
            "C",
            {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"secret": {"A": {"env": "TOKEN"}}},
            },
        )
    )
    assert repr(conn) == "Connection(kind='Connection', name='C')"

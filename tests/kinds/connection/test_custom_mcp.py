"""Custom MCP connections end to end: the real CLI plans and applies against the emulator.

Create, every kind of update (server URL, auth method, sharing, plaintext headers, secret
header names), renames, drift made outside duvoform, secrets sent on create and on
``--rotate-secrets``, a missing secret stopping apply before any write, credentials read only
where manifests declare headers, and re-creating a connection deleted outside duvoform.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.kinds.connection.helpers import (
    TOKEN_ENV,
    assignment,
    connections,
    custom,
    headers_of,
    routes,
    run,
    write,
)

CREDENTIALS = "GET /v1/connections/{connection_id}/credentials"
SECRET = {"Authorization": {"env": TOKEN_ENV}}


def apply(emulator: EmulatorControl, root: Path, *extra: str, token: str = "t0") -> str:
    result = run(emulator, "apply", "--auto-approve", str(root), *extra, env={TOKEN_ENV: token})
    assert result.exit_code == 0, result.output
    return result.stdout


def no_changes(emulator: EmulatorControl, root: Path) -> None:
    result = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert result.exit_code == 0, result.stdout
    assert "No changes" in result.stdout


def test_create_sends_secrets_and_shares_then_nothing_to_do(
    emulator: EmulatorControl, work: Path
) -> None:
    token = f"tok-{uuid.uuid4()}"
    root = write(work, custom(shared=True, plaintext={"X-Org": "acme"}, secret=SECRET))
    apply(emulator, root, token=token)
    row = connections(emulator)["Warehouse"]
    assert row["server_url"] == "https://mcp.example.com/warehouse"
    assert row["auth_method"] == "headers"
    assert row["shared"] in (1, True)
    assert headers_of(row) == ({"X-Org": "acme"}, {"Authorization": token})
    no_changes(emulator, root)


@pytest.mark.parametrize(
    ("before", "after", "field"),
    [
        (custom(), custom(url="https://mcp.example.com/v2"), 'server_url: "https://mcp.example'),
        (custom(), custom(auth_method="apikey"), 'auth_method: "url" -> "apikey"'),
        (custom(), custom(shared=True), "shared: false -> true"),
        (
            custom(plaintext={"X-Org": "acme"}),
            custom(plaintext={"X-Org": "globex", "X-Team": "ap"}),
            'headers.plaintext.X-Org: "acme" -> "globex"',
        ),
        (
            custom(plaintext={"X-Org": "acme"}, secret=SECRET),
            custom(plaintext={"X-Org": "acme"}),
            "headers.secret.Authorization: null -> (removed)",
        ),
        (custom(plaintext={"X-Org": "acme"}), custom(), 'headers: "(set)" -> null'),
    ],
    ids=["server_url", "auth_method", "shared", "plaintext", "secret-removed", "all-removed"],
)
def test_each_field_is_updated_in_place_with_one_patch(
    emulator: EmulatorControl, work: Path, before: str, after: str, field: str
) -> None:
    root = write(work, before)
    apply(emulator, root)
    original = connections(emulator)["Warehouse"]
    root = write(work, after)
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 2, plan.stdout
    assert "~ Connection/Warehouse will be updated in place" in plan.stdout
    assert field in plan.stdout
    emulator.clear_stats()
    apply(emulator, root)
    assert routes(emulator).get("PATCH /v1/connections/{connection_id}") == 1
    assert routes(emulator).get("POST /v1/connections", 0) == 0
    row = connections(emulator)["Warehouse"]
    assert row["id"] == original["id"]
    no_changes(emulator, root)


def test_a_new_secret_header_is_sent_and_kept_ones_are_not(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom(secret=SECRET))
    apply(emulator, root, token="first")
    both = {**SECRET, "X-Api-Key": {"env": "CONN_TEST_KEY"}}
    root = write(work, custom(secret=both))
    plan = run(emulator, "plan", str(root))
    assert 'headers.secret.X-Api-Key: null -> {"env": "CONN_TEST_KEY"}' in plan.stdout
    assert "headers.secret.Authorization" not in plan.stdout  # kept, not sent
    result = run(
        emulator,
        "apply",
        "--auto-approve",
        str(root),
        env={TOKEN_ENV: "second", "CONN_TEST_KEY": "key-1"},
    )
    assert result.exit_code == 0, result.output
    _, secret = headers_of(connections(emulator)["Warehouse"])
    # the kept header was sent as "" (keep), so its stored value is still the first token
    assert secret == {"Authorization": "first", "X-Api-Key": "key-1"}
    no_changes(emulator, root)


def test_a_plaintext_header_that_becomes_secret_gets_its_value_sent(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom(plaintext={"Authorization": "open"}))
    apply(emulator, root)
    root = write(work, custom(secret=SECRET))
    apply(emulator, root, token="closed")
    assert headers_of(connections(emulator)["Warehouse"]) == ({}, {"Authorization": "closed"})
    no_changes(emulator, root)


def test_header_names_changed_outside_duvoform_are_drift_that_apply_fixes(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom(plaintext={"X-Org": "acme"}, secret=SECRET))
    apply(emulator, root, token="t1")
    live = connections(emulator)["Warehouse"]
    with emulator.client() as http:
        changed = http.patch(
            f"/v1/connections/{live['id']}",
            json={"headers": {"plaintext": {"X-Org": "acme", "X-Debug": "1"}, "secret": {}}},
        )
        assert changed.status_code == 200
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 2
    assert 'headers.plaintext.X-Debug: "1" -> null' in plan.stdout
    assert 'headers.secret.Authorization: null -> {"env": "CONN_TEST_TOKEN"}' in plan.stdout
    apply(emulator, root, token="t2")
    assert headers_of(connections(emulator)["Warehouse"]) == (
        {"X-Org": "acme"},
        {"Authorization": "t2"},
    )
    no_changes(emulator, root)


def test_settings_changed_outside_duvoform_are_put_back(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom(shared=True))
    apply(emulator, root)
    live = connections(emulator)["Warehouse"]
    with emulator.client() as http:
        body = {"server_url": "https://evil.example.com/", "shared": False}
        assert http.patch(f"/v1/connections/{live['id']}", json=body).status_code == 200
    apply(emulator, root)
    row = connections(emulator)["Warehouse"]
    assert (row["server_url"], bool(row["shared"])) == ("https://mcp.example.com/warehouse", True)


def test_a_rename_through_previous_names_keeps_the_connection_and_its_wiring(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work, custom("Old warehouse", secret=SECRET), assignment("Lookup", ["Old warehouse"])
    )
    apply(emulator, root)
    before = connections(emulator)["Old warehouse"]
    renamed = custom("Warehouse", secret=SECRET, metadata=", previous_names: [Old warehouse]")
    root = write(work, renamed, assignment("Lookup", ["Warehouse"]))
    plan = run(emulator, "plan", str(root))
    assert 'name: "Old warehouse" -> "Warehouse"' in plan.stdout
    apply(emulator, root)
    after = connections(emulator)
    assert set(after) == {"Warehouse"}
    assert after["Warehouse"]["id"] == before["id"]
    no_changes(emulator, root)


def test_a_protected_connection_is_never_renamed(emulator: EmulatorControl, work: Path) -> None:
    root = write(work, custom("Old"))
    apply(emulator, root)
    root = write(work, custom("New", metadata=", previous_names: [Old], protected: true"))
    emulator.clear_stats()
    result = run(emulator, "apply", "--auto-approve", str(root))
    assert result.exit_code == 1
    assert "protected" in result.stderr
    assert emulator.stats()["writes"] == 0


def test_rotate_secrets_sends_every_value_again_or_only_the_named_ones(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work,
        custom("A", secret=SECRET),
        custom("B", url="https://mcp.example.com/b", secret={"X-Key": {"env": "CONN_B"}}),
        custom("C", url="https://mcp.example.com/c"),
    )
    env = {TOKEN_ENV: "a1", "CONN_B": "b1"}
    assert run(emulator, "apply", "--auto-approve", str(root), env=env).exit_code == 0

    env = {TOKEN_ENV: "a2", "CONN_B": "b2"}
    named = run(emulator, "apply", "--auto-approve", str(root), "--rotate-secrets=B", env=env)
    assert named.exit_code == 0, named.output
    assert "~ Connection/B will be updated in place" in named.stdout
    assert "Connection/A" not in named.stdout
    rows = connections(emulator)
    assert headers_of(rows["A"])[1] == {"Authorization": "a1"}
    assert headers_of(rows["B"])[1] == {"X-Key": "b2"}

    env = {TOKEN_ENV: "a3", "CONN_B": "b3"}
    every = run(emulator, "apply", "--auto-approve", str(root), "--rotate-secrets", env=env)
    assert every.exit_code == 0, every.output
    assert "sent again (--rotate-secrets)" in every.stdout
    rows = connections(emulator)
    assert headers_of(rows["A"])[1] == {"Authorization": "a3"}
    assert headers_of(rows["B"])[1] == {"X-Key": "b3"}
    no_changes(emulator, root)


def test_rotate_secrets_with_an_unknown_or_secretless_name_is_an_error_before_any_write(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work, custom("Warehouse", secret=SECRET), custom("Open", url="https://o.example.com/")
    )
    apply(emulator, root)
    emulator.clear_stats()
    unknown = run(emulator, "apply", "--auto-approve", "--rotate-secrets", "Warehous", str(root))
    assert unknown.exit_code == 1
    assert "no Connection of that name" in unknown.stderr
    assert 'did you mean "Warehouse"' in unknown.stderr
    plain = run(emulator, "plan", str(root), "--rotate-secrets=Open")
    assert plain.exit_code == 1
    assert "has no secret headers to rotate" in plain.stderr
    assert emulator.stats()["writes"] == 0


def test_a_missing_secret_that_must_be_sent_stops_apply_before_any_write(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom("Warehouse", secret=SECRET), assignment("Lookup", ["Warehouse"]))
    emulator.clear_stats()
    result = run(emulator, "apply", "--auto-approve", str(root))
    assert result.exit_code == 1
    assert f"environment variable {TOKEN_ENV} is not set" in result.stderr
    assert "Connection/Warehouse" in result.stderr
    assert "nothing was applied" in result.stderr
    assert emulator.stats()["writes"] == 0

    # Once it exists, a plan that keeps its secret needs no value; rotating it does.
    apply(emulator, root)
    assert run(emulator, "apply", "--auto-approve", str(root)).exit_code == 0
    emulator.clear_stats()
    rotate = run(emulator, "apply", "--auto-approve", str(root), "--rotate-secrets")
    assert rotate.exit_code == 1
    assert f"environment variable {TOKEN_ENV} is not set" in rotate.stderr
    assert emulator.stats()["writes"] == 0


def test_credentials_are_read_only_for_connections_whose_manifests_declare_headers(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work,
        custom("With", plaintext={"X-Org": "acme"}),
        custom("Without", url="https://mcp.example.com/without"),
    )
    apply(emulator, root)
    emulator.clear_stats()
    no_changes(emulator, root)
    assert routes(emulator).get(CREDENTIALS) == 1
    assert emulator.stats()["total"] == 4  # folders, agents, connections, one credentials read


def test_a_connection_deleted_outside_duvoform_is_created_again_and_rewired(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom("Warehouse", secret=SECRET), assignment("Lookup", ["Warehouse"]))
    apply(emulator, root, token="t1")
    gone = connections(emulator)["Warehouse"]
    with emulator.client() as http:
        assert http.delete(f"/v1/connections/{gone['id']}").status_code == 200
    plan = run(emulator, "plan", str(root))
    assert "+ Connection/Warehouse will be created" in plan.stdout
    assert "~ Assignment/Lookup will be updated in place" in plan.stdout
    apply(emulator, root, token="t2")
    again = connections(emulator)["Warehouse"]
    assert again["id"] != gone["id"]
    assert headers_of(again)[1] == {"Authorization": "t2"}
    state = emulator.state()
    assert [p["connection_id"] for p in state["slot_pins"]] == [again["id"]]
    no_changes(emulator, root)


def test_a_secret_header_renamed_shows_the_old_one_going(
    emulator: EmulatorControl, work: Path
) -> None:
    # Live secret values are null, so a removed header looked the same as a kept one.
    keep = {"Keep": {"env": TOKEN_ENV}}
    root = write(work, custom(secret={**keep, "X-Key": {"env": TOKEN_ENV}}))
    apply(emulator, root)
    root = write(work, custom(secret={**keep, "X-Api-Key": {"env": TOKEN_ENV}}))
    plan = run(emulator, "plan", "--no-color", str(root))
    assert "headers.secret.X-Key: null -> (removed)" in plan.stdout
    assert f'headers.secret.X-Api-Key: null -> {{"env": "{TOKEN_ENV}"}}' in plan.stdout
    markdown = run(emulator, "plan", "--format", "markdown", str(root))
    assert "X-Key" in markdown.stdout
    assert "(removed)" in markdown.stdout


def test_a_saved_plan_reads_file_secrets_from_the_manifests_it_is_applied_with(
    emulator: EmulatorControl, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = {"Authorization": {"file": "key.txt"}}
    root = write(work / "checkout", custom(secret=secret))
    (root / "key.txt").write_text("the-right-key\n")
    assert run(emulator, "plan", "checkout", "--out", "plan.json").exit_code == 0
    # Away from the checkout the plan names, nothing is loaded, read or written.
    elsewhere = write(work / "elsewhere", custom(secret=secret))
    (elsewhere / "key.txt").write_text("the-wrong-key\n")
    monkeypatch.chdir(elsewhere)
    emulator.clear_stats()
    result = run(emulator, "apply", str(work / "plan.json"))
    assert result.exit_code == 1
    assert "the plan was made from the manifests in checkout, which is not a directory" in (
        result.stderr
    )
    assert emulator.stats()["total"] == 0
    # Where it was made, its manifests (and their key.txt) are the ones used.
    monkeypatch.chdir(work)
    result = run(emulator, "apply", "plan.json")
    assert result.exit_code == 0, result.output
    assert headers_of(connections(emulator)["Warehouse"])[1] == {"Authorization": "the-right-key"}

"""Hand-built plans that the render tests share, one per situation a reader meets."""

from __future__ import annotations

from duvoform.engine.plan import Action, ApiCall, Change, FieldChange, Plan

AGENTS = "/v1/agents"
AGENT = "/v1/agents/{agent_id}"
REVISIONS = "/v1/agents/{agent_id}/revisions"
FOLDERS = "/v1/folders"
FOLDER = "/v1/folders/{folder_id}"


def sop(lines: int = 60, *, changed: dict[int, str] | None = None) -> str:
    """A numbered SOP of ``lines`` lines, with some lines replaced by ``changed``."""
    changed = changed or {}
    return "".join(
        changed.get(n, f"{n}. Check the invoice against purchase order rule {n}.") + "\n"
        for n in range(1, lines + 1)
    )


def empty() -> Plan:
    return Plan(unchanged=7)


def creates() -> Plan:
    folder = Change(
        kind="Folder",
        name="Accounts Payable",
        action=Action.CREATE,
        fields=(FieldChange("name", None, "Accounts Payable"), FieldChange("parent", None, None)),
        requests=(ApiCall("POST", FOLDERS),),
    )
    assignment = Change(
        kind="Assignment",
        name="Invoice triage",
        action=Action.CREATE,
        fields=(
            FieldChange("folder", None, "Accounts Payable"),
            FieldChange("agentic_memory_enabled", None, True),
            FieldChange("build.model", None, "claude-sonnet-4-6"),
            FieldChange("build.skills", None, ["pdf-reader"]),
            FieldChange("build.sop", None, "Read the invoice.\nMatch it to a PO.\nFile it.\n"),
        ),
        requests=(ApiCall("POST", AGENTS), ApiCall("PATCH", AGENT)),
        depends_on=("Folder/Accounts Payable",),
    )
    return Plan(changes=(folder, assignment), unchanged=2)


def rename_and_move() -> Plan:
    change = Change(
        kind="Assignment",
        name="Invoice triage",
        action=Action.UPDATE,
        fields=(
            FieldChange("name", "Invoice bot", "Invoice triage"),
            FieldChange("folder", "Finance", "Accounts Payable"),
            FieldChange("slack_enabled", True, False),
        ),
        requests=(ApiCall("PATCH", AGENT),),
        depends_on=("Folder/Accounts Payable",),
        live_id="3c90c3cc-0d44-4b50-8888-8dd25736052a",
    )
    return Plan(changes=(change,), unchanged=4)


def build_sop_edit() -> Plan:
    before = sop(60)
    after = sop(60, changed={30: "30. Escalate any invoice above 10,000 EUR to a person."})
    change = Change(
        kind="Assignment",
        name="Invoice triage",
        action=Action.BUILD,
        fields=(
            FieldChange("build.model", "claude-sonnet-4-5", "claude-sonnet-4-6"),
            FieldChange("build.sop", before, after),
        ),
        requests=(ApiCall("POST", REVISIONS), ApiCall("POST", REVISIONS + "/{build_id}/promote")),
        depends_on=("Folder/Accounts Payable", "Assignment/Vendor lookup"),
        notes=("the live build was changed outside git (it has no duvoform digest)",),
        live_id="3c90c3cc-0d44-4b50-8888-8dd25736052a",
    )
    return Plan(changes=(change,), unchanged=9)


def delete() -> Plan:
    change = Change(
        kind="Folder",
        name="Old stuff",
        action=Action.DELETE,
        fields=(FieldChange("parent", "Finance", None),),
        requests=(ApiCall("DELETE", FOLDER),),
        notes=("2 live assignments move to the root folder: Invoice bot, Receipts",),
        live_id="0b7e3f0e-6a0c-4f35-9d0e-5c2f4b1a9e11",
    )
    return Plan(changes=(change,), unchanged=3)


def authorize() -> Plan:
    change = Change(
        kind="Connection",
        name="AP inbox",
        action=Action.AUTHORIZE,
        fields=(FieldChange("oauth", None, {"provider": "gmail", "flow": "native"}),),
        notes=('needs a person in a browser: run `duvoform connect "AP inbox"` after apply',),
    )
    return Plan(changes=(change,), unchanged=1)


def warnings_and_notes() -> Plan:
    connection = Change(
        kind="Connection",
        name="Snowflake prod",
        action=Action.UPDATE,
        fields=(
            FieldChange(
                "server_url", "https://mcp.example.com/sf", "https://mcp.example.com/snowflake"
            ),
            FieldChange(
                "headers",
                {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": ""}},
                {
                    "plaintext": {"X-Org": "acme"},
                    "secret": {"Authorization": {"env": "SNOWFLAKE_TOKEN"}},
                },
            ),
            FieldChange("headers.secret.X-Api-Key", "leaked-live-value", {"file": "secrets/key"}),
        ),
        requests=(ApiCall("PATCH", "/v1/connections/{connection_id}"),),
        notes=("secret header values are sent only with --rotate-secrets",),
    )
    return Plan(
        changes=(connection,),
        unchanged=5,
        warnings=(
            "Assignment/Receipts is not in any manifest (unmanaged; the API cannot delete it)",
            "2 assignments share the name 'Ops':\npin one with metadata.id",
        ),
        notes=("schedules are read-only in v1 and were not compared",),
    )


def specials() -> Plan:
    """Names and values with markdown, HTML and terminal specials."""
    script = Change(
        kind="Assignment",
        name="<script>alert(1)</script>",
        action=Action.CREATE,
        fields=(
            FieldChange("folder", None, "A | B"),
            FieldChange(
                "revision_name", None, "**bold** _it_ `code` [link](http://x) @team #1 $x$"
            ),
        ),
    )
    pipes = Change(
        kind="Folder",
        name="Ops | [red]x[/red] \x1b[31mred",
        action=Action.UPDATE,
        fields=(FieldChange("name", "a\u202eb", "Ops | [red]x[/red] \x1b[31mred"),),
        notes=("note with <b>html</b> & `ticks`",),
    )
    fence = Change(
        kind="Assignment",
        name="Fences",
        action=Action.BUILD,
        fields=(FieldChange("build.sop", "Intro\n```\ncode\n```\n", "Intro\n````\ncode\n````\n"),),
    )
    return Plan(changes=(script, pipes, fence), warnings=("<img src=x onerror=alert(1)>",))


def everything() -> Plan:
    """One change of every action, in execution order (not reading order)."""
    changes = (
        *creates().changes,
        *rename_and_move().changes,
        *build_sop_edit().changes,
        *authorize().changes,
        *delete().changes,
    )
    return Plan(changes=changes, unchanged=7, warnings=warnings_and_notes().warnings)


def many(count: int) -> Plan:
    """``count`` changes of every kind of action, some with SOP diffs."""
    changes = []
    for n in range(count):
        action = (Action.CREATE, Action.UPDATE, Action.BUILD, Action.DELETE)[n % 4]
        fields: tuple[FieldChange, ...]
        if action is Action.BUILD:
            fields = (
                FieldChange("build.sop", sop(40), sop(40, changed={n % 40 + 1: f"edit {n}"})),
            )
        elif action is Action.UPDATE:
            fields = (FieldChange("name", f"old {n}", f"Assignment {n}"),)
        elif action is Action.CREATE:
            fields = (FieldChange("folder", None, f"Folder {n % 7}"),)
        else:
            fields = (FieldChange("parent", f"Folder {n % 7}", None),)
        kind = "Folder" if action is Action.DELETE else "Assignment"
        changes.append(Change(kind=kind, name=f"Resource {n:04d}", action=action, fields=fields))
    return Plan(changes=tuple(changes), unchanged=100)


GOLDEN_PLANS = {
    "empty": empty,
    "creates": creates,
    "rename_and_move": rename_and_move,
    "build_sop_edit": build_sop_edit,
    "delete": delete,
    "authorize": authorize,
    "warnings_and_notes": warnings_and_notes,
    "specials": specials,
    "everything": everything,
}

"""The emulator's state: one SQLite database (in memory, or a file that survives restarts).

All access goes through one connection guarded by a lock, so requests served by uvicorn in a
thread and requests made in-process never interleave inside a transaction. JSON-valued columns
hold text; booleans are 0/1 (NULL where the API allows ``null``).

Secret header values are kept as given while the database is in memory, but a database file
only ever holds a fingerprint (``sha256:<salt>:<hex>``, salted per value): no secret reaches the
disk. ``GET /_emulator/state`` shows fingerprints in both cases, unless the settings say
``reveal_secrets`` (tests that witness what reached the API).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from duvoform.emulator.ids import IdSource
from duvoform.errors import EmulatorError

__all__ = ["TABLES", "Row", "Store", "fingerprint", "fingerprint_matches"]

Row = dict[str, Any]

SCHEMA_VERSION = "1"

# table -> columns holding JSON text (decoded in dumps)
TABLES: dict[str, tuple[str, ...]] = {
    "teams": (),
    "users": (),
    "folders": (),
    "agents": (),
    "agent_pins": (),
    "builds": ("config", "handover_target_ids"),
    "slots": (),
    "slot_pins": (),
    "connections": ("oauth_scopes", "headers_plain", "headers_secret"),
    "schedules": (),
    "oauth_flows": ("params",),
}

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT, email TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (
  id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, parent_folder_id TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS folders_team ON folders (team_id, created_at, id);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL,
  slack_enabled INTEGER, microsoft_teams_enabled INTEGER, agentic_memory_enabled INTEGER,
  thread_id TEXT, folder_id TEXT, copilot_id TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_run_at TEXT,
  created_by TEXT, updated_by TEXT);
CREATE INDEX IF NOT EXISTS agents_team ON agents (team_id, created_at, id);
CREATE INDEX IF NOT EXISTS agents_folder ON agents (folder_id);
CREATE TABLE IF NOT EXISTS agent_pins (
  agent_id TEXT NOT NULL, user_id TEXT NOT NULL, pinned_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, user_id));
CREATE TABLE IF NOT EXISTS builds (
  id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, name TEXT NOT NULL,
  revision_name TEXT, revision_description TEXT, config TEXT NOT NULL, status TEXT,
  revision_number INTEGER NOT NULL, parent_build_id TEXT, created_by TEXT,
  created_by_name TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  handover_target_ids TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS builds_agent ON builds (agent_id, revision_number);
CREATE TABLE IF NOT EXISTS slots (
  id TEXT PRIMARY KEY, build_id TEXT NOT NULL, integration_id TEXT,
  custom_integration_id TEXT, integration_type TEXT NOT NULL, integration_name TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS slots_build ON slots (build_id);
CREATE TABLE IF NOT EXISTS slot_pins (
  slot_id TEXT NOT NULL, user_id TEXT NOT NULL, connection_id TEXT NOT NULL,
  created_at TEXT NOT NULL, PRIMARY KEY (slot_id, user_id, connection_id));
CREATE TABLE IF NOT EXISTS connections (
  id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT, name TEXT NOT NULL,
  type TEXT NOT NULL, provider TEXT NOT NULL, server_url TEXT, transport_type TEXT,
  auth_method TEXT, custom_integration_id TEXT, integration_id TEXT, icon_url TEXT,
  oauth_provider TEXT, oauth_scopes TEXT, has_oauth_tokens INTEGER NOT NULL DEFAULT 0,
  shared INTEGER NOT NULL DEFAULT 0, created_by TEXT, composio_mcp_id TEXT,
  headers_plain TEXT NOT NULL DEFAULT '{}', headers_secret TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS connections_team ON connections (team_id, created_at, id);
CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, build_id TEXT NOT NULL, user_id TEXT NOT NULL,
  enabled INTEGER NOT NULL, frequency TEXT, time TEXT, timezone TEXT NOT NULL, day TEXT,
  day_of_month INTEGER, cron TEXT, source TEXT, task TEXT, recurring INTEGER,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS schedules_agent ON schedules (agent_id, user_id);
CREATE TABLE IF NOT EXISTS oauth_flows (
  state TEXT PRIMARY KEY, flow TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
  params TEXT NOT NULL, status TEXT NOT NULL, connection_id TEXT, created_at TEXT NOT NULL);
"""


def fingerprint(value: str, salt: str | None = None) -> str:
    """The form a secret takes in a database file: ``sha256:<salt>:<hex digest>``.

    Each value gets its own random salt (unless ``salt`` is given), so equal secrets do not
    look equal on disk and a digest cannot be looked up in a precomputed table.
    """
    salt = secrets.token_hex(16) if salt is None else salt
    return f"sha256:{salt}:" + hashlib.sha256((salt + value).encode()).hexdigest()


def fingerprint_matches(stored: str, value: str) -> bool:
    """True when ``stored`` (a ``fingerprint``) was made from ``value``."""
    parts = stored.split(":")
    return len(parts) == 3 and hmac.compare_digest(stored, fingerprint(value, parts[1]))


def _row_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {desc[0]: value for desc, value in zip(cursor.description, row, strict=True)}


class Store:
    """The SQLite database plus the id/clock source whose counters it persists."""

    def __init__(self, path: Path | None, deterministic: bool) -> None:
        self.path = path
        self.deterministic = deterministic
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                str(path) if path else ":memory:", check_same_thread=False, isolation_level=None
            )
            self._db.row_factory = _row_factory
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_DDL)
        except sqlite3.Error as exc:
            raise EmulatorError(f"cannot open the emulator database {path}: {exc}") from exc
        self.ids = IdSource(deterministic)
        self._check_version()
        self._load_counters()

    # -- plumbing ---------------------------------------------------------------------------

    def _check_version(self) -> None:
        found = self._meta("schema_version")
        if found is None:
            self._set_meta("schema_version", SCHEMA_VERSION)
        elif found != SCHEMA_VERSION:
            raise EmulatorError(
                f"the emulator database {self.path} has schema version {found}, this duvoform "
                f"needs {SCHEMA_VERSION}; move the file away to start afresh"
            )

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _load_counters(self) -> None:
        self.ids.id_seq = int(self._meta("id_seq") or 0)
        self.ids.clock_seq = int(self._meta("clock_seq") or 0)
        self.ids.remember_last(self._meta("last_ts"))

    def _save_counters(self) -> None:
        self._set_meta("id_seq", str(self.ids.id_seq))
        self._set_meta("clock_seq", str(self.ids.clock_seq))
        last = self.ids.last_ts()
        if last is not None:
            self._set_meta("last_ts", last)

    @contextmanager
    def tx(self) -> Iterator[Store]:
        """A write transaction: everything inside commits together or not at all.

        A transaction opened inside another one joins it.
        """
        with self._lock:
            if self._db.in_transaction:
                yield self
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
                self._save_counters()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A consistent read (the lock keeps writers out)."""
        with self._lock:
            yield self

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        with self._lock:
            return list(self._db.execute(sql, tuple(params)).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        with self._lock:
            row: Row | None = self._db.execute(sql, tuple(params)).fetchone()
            return row

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute one statement; returns the number of rows changed."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).rowcount

    def insert(self, table: str, row: Row) -> None:
        """Insert one row (JSON-valued columns must already be text)."""
        self.insert_many(table, [row])

    def insert_many(self, table: str, rows: Sequence[Row]) -> None:
        """Insert rows that all have the same keys, in one statement."""
        if not rows:
            return
        columns = list(rows[0])
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        )
        with self._lock:
            self._db.executemany(sql, [tuple(row[c] for c in columns) for row in rows])

    def update(self, table: str, key: str, key_value: Any, changes: Row) -> None:
        """Update columns of the row(s) whose ``key`` column equals ``key_value``."""
        if not changes:
            return
        sets = ", ".join(f"{column} = ?" for column in changes)
        self.run(f"UPDATE {table} SET {sets} WHERE {key} = ?", [*changes.values(), key_value])

    @staticmethod
    def marks(values: Iterable[Any]) -> str:
        """``?, ?, ?`` for an ``IN (...)`` clause."""
        return ", ".join("?" for _ in values)

    def seal_secret(self, value: str) -> str:
        """How a secret header value is kept (as is in memory; a fingerprint in a file)."""
        return value if self.path is None else fingerprint(value)

    # -- whole-store operations -------------------------------------------------------------

    def reset(self) -> None:
        """Forget every object and restart the id and clock counters."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            for table in TABLES:
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("DELETE FROM meta WHERE key != 'schema_version'")
            self._db.execute("COMMIT")
            self.ids = IdSource(self.deterministic)

    def dump(self) -> dict[str, list[Row]]:
        """Every row of every table, JSON columns decoded (for ``GET /_emulator/state``)."""
        out: dict[str, list[Row]] = {}
        with self._lock:
            for table, json_columns in TABLES.items():
                rows = self._db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                for row in rows:
                    for column in json_columns:
                        if row.get(column) is not None:
                            row[column] = json.loads(row[column])
                out[table] = rows
        return out

    def close(self) -> None:
        """Close the database (a file-backed store flushes here)."""
        with self._lock:
            self._db.close()

"""The live state of one emulator app: store, keys, rate limiter, faults and stats.

``Runtime.restore`` puts keys, rate limit and faults back to the settings the app was created
with; ``POST /_emulator/reset`` calls it after emptying the store.
"""

from __future__ import annotations

import re
import threading

from duvoform.emulator.faults import FaultInjector
from duvoform.emulator.ratelimit import FixedWindowLimiter
from duvoform.emulator.settings import EmulatorSettings, team_id_for, user_id_for
from duvoform.emulator.stats import Stats
from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import Caller

__all__ = ["Runtime"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "team"


class Runtime:
    """Mutable state shared by every request to one app."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.store = Store(settings.db, settings.deterministic)
        self.stats = Stats()
        self.limiter = FixedWindowLimiter(settings.rate_limit, settings.rate_window)
        self.faults = FaultInjector(settings.faults)
        self._lock = threading.Lock()
        self._callers: dict[str, Caller] = {}
        self.probes: list[dict[str, object]] = []
        """What each MCP probe asked Duvo to send to a server (the witness that tests read)."""
        self._team_keys: dict[str, list[str]] = {}
        self.restore()

    def restore(self) -> None:
        """Keys, rate limit and faults as in the settings; teams and users ensured."""
        with self._lock:
            self._callers.clear()
            self._team_keys.clear()
        self.limiter.configure(self.settings.rate_limit, self.settings.rate_window)
        self.faults.configure(self.settings.faults)
        for key, team in self.settings.effective_keys().items():
            self.add_key(key, team)

    def reset(self) -> None:
        """Empty the store and the stats, then restore the settings."""
        self.store.reset()
        self.stats.clear()
        self.probes.clear()
        self.restore()

    def ensure_team(self, team: str) -> str:
        """The team's id; the team row is created when missing."""
        team_id = team_id_for(team)
        with self.store.tx() as db:
            db.run("INSERT OR IGNORE INTO teams (id, name) VALUES (?, ?)", (team_id, team))
        return team_id

    def add_key(self, key: str, team: str) -> Caller:
        """Accept ``key`` for ``team`` from now on (the key's user is created when missing)."""
        team_id = self.ensure_team(team)
        user_id = user_id_for(key)
        short = user_id[:8]
        caller = Caller(
            team_id=team_id,
            user_id=user_id,
            user_name=f"User {short}",
            user_email=f"{short}@{_slug(team)}.emulator.duvo.local",
            bucket=key,
        )
        with self.store.tx() as db:
            db.run(
                "INSERT OR IGNORE INTO users (id, team_id, name, email) VALUES (?, ?, ?, ?)",
                (user_id, team_id, caller.user_name, caller.user_email),
            )
        with self._lock:
            self._callers[key] = caller
            keys = self._team_keys.setdefault(team_id, [])
            if key not in keys:
                keys.append(key)
        return caller

    def caller_for(self, key: str) -> Caller | None:
        """The caller a key stands for, or None for an unknown key."""
        with self._lock:
            return self._callers.get(key)

    def key_caller(self, key: str | None, team_id: str) -> Caller:
        """The caller for ``key`` (must belong to the team), or the team's first key's caller.

        A team no key belongs to gets a stand-in seed user.
        """
        with self._lock:
            if key is not None:
                caller = self._callers.get(key)
                if caller is None or caller.team_id != team_id:
                    raise KeyError(key)
                return caller
            keys = self._team_keys.get(team_id)
            if keys:
                return self._callers[keys[0]]
        user_id = user_id_for(f"seed-user:{team_id}")
        short = user_id[:8]
        caller = Caller(team_id, user_id, f"Seed user {short}", f"{short}@seed.duvo.local", "")
        with self.store.tx() as db:
            db.run(
                "INSERT OR IGNORE INTO users (id, team_id, name, email) VALUES (?, ?, ?, ?)",
                (user_id, team_id, caller.user_name, caller.user_email),
            )
        return caller

    def user(self, user_id: str | None) -> Row | None:
        """A user row by id."""
        if user_id is None:
            return None
        return self.store.one("SELECT * FROM users WHERE id = ?", (user_id,))

"""Ids and timestamps, random or deterministic.

Timestamps look like JavaScript's ``toISOString()`` (``2026-01-01T00:00:00.000Z``) and strictly
increase, so ordering by ``created_at`` is creation order. In deterministic mode ids are UUIDv5
of a fixed namespace and a sequence number, and the clock starts at 2026-01-01T00:00:00Z and
moves one second per timestamp taken. Both counters live in the store, so a persisted emulator
continues where it stopped.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from duvoform.emulator.settings import NAMESPACE

__all__ = ["DETERMINISTIC_EPOCH", "IdSource", "format_ts", "parse_ts"]

DETERMINISTIC_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def format_ts(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_ts(text: str) -> datetime:
    """Inverse of ``format_ts`` (accepts any ISO-8601 string)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class IdSource:
    """Hands out ids and timestamps; not thread-safe (the store serialises access)."""

    def __init__(self, deterministic: bool, id_seq: int = 0, clock_seq: int = 0) -> None:
        self.deterministic = deterministic
        self.id_seq = id_seq
        self.clock_seq = clock_seq
        self._last: datetime | None = None

    def new_id(self) -> str:
        """A new UUID string."""
        self.id_seq += 1
        if self.deterministic:
            return str(uuid.uuid5(NAMESPACE, f"id:{self.id_seq}"))
        return str(uuid.uuid4())

    def token(self, prefix: str = "") -> str:
        """An opaque random-looking token (OAuth state, Composio account ids)."""
        if self.deterministic:
            self.id_seq += 1
            return prefix + uuid.uuid5(NAMESPACE, f"token:{self.id_seq}").hex[:24]
        return prefix + secrets.token_hex(12)

    def now(self) -> str:
        """The next timestamp: strictly later than every one handed out before."""
        self.clock_seq += 1
        if self.deterministic:
            return format_ts(DETERMINISTIC_EPOCH + timedelta(seconds=self.clock_seq))
        now = datetime.now(UTC)
        moment = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last is not None and moment <= self._last:
            moment = self._last + _MS
        self._last = moment
        return format_ts(moment)

    def last_ts(self) -> str | None:
        """The latest real-clock timestamp handed out (None in deterministic mode)."""
        return None if self._last is None else format_ts(self._last)

    def remember_last(self, text: str | None) -> None:
        """Continue after a timestamp read back from storage (a persisted emulator restarts)."""
        if text and not self.deterministic:
            self._last = parse_ts(text)

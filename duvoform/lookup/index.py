"""A small local index of assignment names, so that showing one by name needs no listing.

The API has no name filter: finding an assignment by name means reading the whole list, one
request per 100 assignments (10 for a team of 1,000). ``show`` promises a few requests whatever
the size of the team, so it keeps ``id -> name`` of the team's assignments in
``<state dir>/index/<api>.json`` (``.duvoform/`` by default; one file per API URL) and:

- looks a name up there, then reads each id found directly (``GET /v1/agents/{id}``) and keeps
  those still called that: a hit costs one request per id (one, unless the name is shared);
- refreshes the index from a full listing when the name is not there, or an id found is gone
  or renamed (a stale entry is never trusted), and whenever a command lists every assignment
  anyway (``show`` after a miss, ``import``);
- ``show --refresh`` forces the listing (an assignment made since the last listing with the same
  name as one in the index is only seen then).

``Assignment/ID`` never uses the index. The index holds ids and names only: no secrets, and
nothing that grants access (every read still needs the API key). A broken or foreign file is
ignored and replaced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from duvoform.api.models import Agent
from duvoform.kinds.names import file_stem
from duvoform.statedir import make_state_dir

__all__ = ["INDEX_DIR", "NameIndex"]

logger = logging.getLogger("duvoform.lookup")

INDEX_DIR = "index"
_FORMAT = 1


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class NameIndex:
    """``id -> name`` of a team's assignments, kept in a JSON file."""

    def __init__(self, path: Path, api_url: str, names: dict[str, str] | None = None) -> None:
        self.path = path
        self.api_url = api_url
        self._names: dict[str, str] = dict(names or {})
        self._saved: dict[str, str] | None = dict(self._names) if names is not None else None
        self._unwritable = False

    @classmethod
    def load(cls, state_dir: Path, api_url: str) -> NameIndex:
        """The index for ``api_url`` (empty when there is none, or it cannot be read)."""
        path = state_dir / INDEX_DIR / f"{file_stem(api_url, 'api')}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path, api_url)
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return cls(path, api_url)
        names = data.get("assignments")
        if data.get("api_url") != api_url or not isinstance(names, dict):
            return cls(path, api_url)
        # An entry whose key is not an id (a hand edit) is dropped: reading it would be a 400.
        clean = {k: v for k, v in names.items() if isinstance(v, str) and _is_uuid(k)}
        return cls(path, api_url, clean)

    def ids_named(self, name: str) -> tuple[str, ...]:
        """The ids the index holds for ``name`` (in the order they were listed)."""
        return tuple(ident for ident, known in self._names.items() if known == name)

    def name_of(self, ident: str) -> str | None:
        """The name the index holds for an id, if any."""
        return self._names.get(ident)

    def known(self) -> dict[str, str]:
        """Every entry, ``id -> name``."""
        return dict(self._names)

    def names(self) -> tuple[str, ...]:
        """Every name in the index."""
        return tuple(dict.fromkeys(self._names.values()))

    def __len__(self) -> int:
        return len(self._names)

    def replace(self, agents: Iterable[Agent]) -> None:
        """Make the index exactly the given (complete) list of assignments."""
        self._names = {agent.id: agent.name for agent in agents}

    def remember(self, agents: Iterable[Agent]) -> None:
        """Add or correct the entries of some assignments (read one by one)."""
        for agent in agents:
            self._names[agent.id] = agent.name

    def save(self) -> bool:
        """Write the index (atomically: a reader never sees half a file); True when written.

        The index only saves requests, so a state directory that cannot be written (read-only,
        or a file where the directory should be) does not stop the command: a warning in the
        log says so, and the next ``show`` by name lists the team again.
        """
        if self._unwritable:  # warned once already in this run
            return False
        if self._saved == self._names:  # nothing new since it was read or written
            return True
        body = {"format": _FORMAT, "api_url": self.api_url, "assignments": self._names}
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            make_state_dir(self.path.parent.parent, self.path.parent.name)
            temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            logger.warning(
                "cannot write the name index %s (%s); finding an assignment by name will "
                "list the team again",
                self.path,
                exc.strerror or exc,
            )
            self._unwritable = True
            return False
        self._saved = dict(self._names)
        return True

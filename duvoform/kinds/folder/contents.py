"""What a folder still holds when the plan deletes it: the differ's notes and the safety
rail that refuses deleting a folder that is not empty both ask ``FolderContentsIndex``."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from duvoform.engine.live import LiveState
from duvoform.engine.plan import Change
from duvoform.engine.steps import Op
from duvoform.text import listed

__all__ = ["FolderContents", "FolderContentsIndex"]


@dataclass(frozen=True)
class FolderContents:
    """What a folder still holds when its delete runs (after the plan's moves out of it).

    ``assignments``: names of live assignments that the API moves to the root.
    ``subfolders``: paths of live subfolders that are neither deleted nor moved by the plan,
    and so are deleted with it.
    """

    assignments: tuple[str, ...] = ()
    subfolders: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.assignments or self.subfolders)

    def notes(self) -> list[str]:
        """One sentence per kind of content, for plan notes and refusals."""
        notes: list[str] = []
        agents, folders = list(self.assignments), list(self.subfolders)
        if agents:
            notes.append(
                f"{len(agents)} live assignment{'s' if len(agents) != 1 else ''} "
                f"move{'s' if len(agents) == 1 else ''} to the root folder: {listed(agents)}"
            )
        if folders:
            notes.append(
                f"{len(folders)} undeclared subfolder{'s' if len(folders) != 1 else ''} "
                f"{'is' if len(folders) == 1 else 'are'} deleted with it: {listed(folders)}"
            )
        return notes


class FolderContentsIndex:
    """Computes ``FolderContents`` for a set of changes; build it once per plan.

    An assignment leaves a folder when a change with its live id moves it (``agents.move``);
    a subfolder leaves when a change re-parents it (``folder.update`` with a ``parent``) or
    when it is deleted itself (``deleted``: the live ids of the folders the plan deletes).
    """

    def __init__(self, live: LiveState, changes: Iterable[Change]) -> None:
        self._live = live
        self._moved: set[str] = set()
        self._reparented: set[str] = set()
        for change in changes:
            if change.live_id is None:
                continue
            for step in change.steps:
                if step.op is Op.AGENTS_MOVE:
                    self._moved.add(change.live_id)
                elif step.op is Op.FOLDER_UPDATE and "parent" in step.params:
                    self._reparented.add(change.live_id)
        self._agents: dict[str, list[str]] | None = None

    def _agents_in(self, folder_id: str) -> list[str]:
        if self._agents is None:
            self._agents = {}
            for agent in self._live.agents:
                if agent.folder_id is not None and agent.id not in self._moved:
                    self._agents.setdefault(agent.folder_id, []).append(agent.name)
        return self._agents.get(folder_id, [])

    def contents(self, folder_id: str, deleted: Collection[str]) -> FolderContents:
        """What the live folder ``folder_id`` still holds when it is deleted."""
        folders = self._live.folders
        subfolders = tuple(
            "/".join(folders.path_of(child.id))
            for child in folders.children(folder_id)
            if child.id not in deleted and child.id not in self._reparented
        )
        return FolderContents(tuple(sorted(self._agents_in(folder_id))), subfolders)

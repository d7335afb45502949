"""An in-process cache of project details, kept exact by the projection's notifications.

Why it is safe: every entry carries the stream version it was read at (the detail query
reads the row and its `stream_positions` version in one statement, so they agree), and
every version the gateway learns of - a NOTIFY from the projection, or a position read by
a read-your-writes wait - evicts older entries of that stream before anything else runs.

The race that remains is a read that started before an event committed and finishes
after its notification arrived: it would put a stale detail back. `_latest` remembers the
newest version seen per project, and a put older than that is refused. While the LISTEN
connection is down notifications can be lost, so the cache is emptied and bypassed until
it is back; `_epoch` refuses the puts of reads that began before such a change.

Only the waits of this process feed `position_seen` early; another replica's cache hears
of a write by NOTIFY, a fraction of a millisecond after the commit. Set
VIDEOGEN_GATEWAY_DETAIL_CACHE=0 to read every detail from PostgreSQL instead.
"""

from __future__ import annotations

from collections import OrderedDict
from uuid import UUID

from videogen_contracts.project.events import stream_id_for
from videogen_gateway.readmodels.projects.rows import ProjectDetail

_NIL = UUID(int=0)
_PROJECT_STREAM = stream_id_for(_NIL)[: -len(str(_NIL))]  # "project-"


def project_of(stream_id: str) -> UUID | None:
    if not stream_id.startswith(_PROJECT_STREAM):
        return None
    try:
        return UUID(stream_id[len(_PROJECT_STREAM) :])
    except ValueError:
        return None


class DetailCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._max = max_entries
        self._entries: OrderedDict[UUID, tuple[int, ProjectDetail]] = OrderedDict()
        self._latest: OrderedDict[UUID, int] = OrderedDict()
        self._epoch = 0
        self.live = False

    def get(self, project_id: UUID) -> ProjectDetail | None:
        entry = self._entries.get(project_id)
        if entry is None:
            return None
        self._entries.move_to_end(project_id)
        return entry[1]

    @property
    def epoch(self) -> int:
        """Take it before a read; pass it to `put` after."""
        return self._epoch

    def put(self, version: int, detail: ProjectDetail, epoch: int) -> None:
        project_id = detail.project.id
        if not self.live or epoch != self._epoch or version < self._latest.get(project_id, 0):
            return
        self._entries[project_id] = (version, detail)
        self._entries.move_to_end(project_id)
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)

    # PositionObserver

    def position_seen(self, stream_id: str, version: int) -> None:
        project_id = project_of(stream_id)
        if project_id is None:
            return
        if version > self._latest.get(project_id, 0):
            self._latest[project_id] = version
            self._latest.move_to_end(project_id)
            if len(self._latest) > self._max:
                # Forgetting the oldest is safe: an entry for it is evicted with it, and
                # a read of it still in flight is refused by bumping the epoch.
                forgotten, _ = self._latest.popitem(last=False)
                self._entries.pop(forgotten, None)
                self._epoch += 1
        entry = self._entries.get(project_id)
        if entry is not None and entry[0] < version:
            del self._entries[project_id]

    def feed_changed(self, live: bool) -> None:
        self._entries.clear()
        self._latest.clear()
        self._epoch += 1
        self.live = live

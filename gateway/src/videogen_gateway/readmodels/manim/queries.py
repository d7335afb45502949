"""Reads of the Manim read models: sessions, jobs, scene versions, tasks, step times, feeds."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from videogen_contracts.script.manim import manim_session_key
from videogen_gateway.readmodels.manim.feed import TASK_ENDS
from videogen_gateway.readmodels.manim.rows import JobRow, SceneRow, SessionRow, TaskRow
from videogen_gateway.readmodels.owners import owned_of, viewer, visible
from videogen_gateway.readmodels.queries import Queries, columns
from videogen_gateway.realtime import SseEvent, sse_event

# The completed tasks whose step times the ETA averages (the most recent ones).
HISTORY_TASKS = 20
FEED_PAGE = 500
# The latest sessions of a topic looked through for one of the acting user's.
TOPIC_SESSIONS = 100


class ManimQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        self._session = (f"SELECT {columns(SessionRow)} FROM {q}.manim_sessions"
                         " WHERE session_id = $1")
        self._of_topic = (f"SELECT {columns(SessionRow)} FROM {q}.manim_sessions"
                          f" WHERE topic = $1 ORDER BY opened_at DESC LIMIT {TOPIC_SESSIONS}")
        self._job = f"SELECT {columns(JobRow)} FROM {q}.manim_jobs WHERE job_id = $1"
        scenes = f"SELECT {columns(SceneRow)} FROM {q}.manim_scenes WHERE session_id = $1"
        self._versions = f"{scenes} AND scene_number = $2 ORDER BY version"
        self._latest = (f"SELECT DISTINCT ON (scene_number) {columns(SceneRow)}"
                        f" FROM {q}.manim_scenes WHERE session_id = $1"
                        " ORDER BY scene_number, version DESC")
        self._task = f"SELECT {columns(TaskRow)} FROM {q}.manim_tasks WHERE task_id = $1"
        # Seconds per unit of each step, over the latest completed tasks of a kind.
        self._history = (
            "SELECT st.step, avg(extract(epoch FROM st.ended_at - st.started_at)"
            " / GREATEST(st.units, 1))::float8 AS seconds"
            f" FROM {q}.manim_step_times st WHERE st.ended_at IS NOT NULL AND st.task_id IN"
            f" (SELECT task_id FROM {q}.manim_tasks WHERE kind = $1 AND status = 'completed'"
            f" ORDER BY updated_at DESC LIMIT {HISTORY_TASKS}) GROUP BY st.step"
        )
        self._feed = (f"SELECT seq AS id, event, data::text AS data FROM {q}.manim_events"
                      f" WHERE project_key = $1 AND seq > $2 ORDER BY seq LIMIT {FEED_PAGE}")
        self._task_feed = (f"SELECT seq AS id, event, data::text AS data FROM {q}.manim_events"
                           " WHERE project_key = $1 AND task_id = $2 AND seq > $3"
                           f" ORDER BY seq LIMIT {FEED_PAGE}")
        self._head = f"SELECT last_seq FROM {q}.manim_feeds WHERE project_key = $1"
        ends = ", ".join(f"'{event}'" for event in sorted(TASK_ENDS))
        self._task_end = (f"SELECT min(seq) FROM {q}.manim_events WHERE project_key = $1"
                          f" AND task_id = $2 AND event IN ({ends})")

    async def session(self, session_id: str) -> SessionRow | None:
        """The session, if the acting user may see it (readmodels/owners.py)."""
        found = await self.one(self._session, SessionRow, session_id)
        if found is None or not await visible(
                self.pool, self.schema, str(manim_session_key(session_id))):
            return None
        return found

    async def latest_session_of_topic(self, topic: str) -> SessionRow | None:
        """The acting user's latest session of `topic` (anyone's for an admin). A session
        is filed under its stream's key, a uuid5 of its id, computed here, not in SQL."""
        sessions = await self.all(self._of_topic, SessionRow, topic)
        user = viewer()
        if user is None or not sessions:
            return sessions[0] if sessions else None
        keys = {str(manim_session_key(s.session_id)): s for s in sessions}
        owned = await owned_of(self.pool, self.schema, user, list(keys))
        return next((s for key, s in keys.items() if key in owned), None)

    async def job(self, job_id: UUID) -> JobRow | None:
        return await self.one(self._job, JobRow.of, job_id)

    async def scene_versions(self, session_id: str, scene_number: int) -> list[SceneRow]:
        """Every code version of one scene, oldest first."""
        return await self.all(self._versions, SceneRow, session_id, scene_number)

    async def latest_scenes(self, session_id: str) -> list[SceneRow]:
        """The latest code version of each scene of the session, in scene order."""
        return await self.all(self._latest, SceneRow, session_id)

    async def task(self, task_id: UUID) -> TaskRow | None:
        return await self.one(self._task, TaskRow.of, task_id)

    async def step_seconds(self, kind: str) -> dict[str, float]:
        """Measured seconds per unit of each step of a kind of task (none: no history)."""
        return {r["step"]: float(r["seconds"]) for r in await self.pool.fetch(self._history, kind)}

    async def feed_after(self, project_key: UUID, after: int) -> list[SseEvent]:
        return await self.all(self._feed, sse_event, project_key, after)

    async def task_feed_after(self, key: tuple[UUID, UUID], after: int) -> list[SseEvent]:
        """A task's messages: `key` is (project key, task id)."""
        return await self.all(self._task_feed, sse_event, key[0], key[1], after)

    async def head(self, project_key: UUID) -> int:
        """The project's feed's last position (0 when it has none)."""
        return int(await self.pool.fetchval(self._head, project_key) or 0)

    async def task_end(self, project_key: UUID, task_id: UUID) -> int | None:
        """The position of the message that ended the task (None: none in its feed)."""
        found = await self.pool.fetchval(self._task_end, project_key, task_id)
        return None if found is None else int(found)

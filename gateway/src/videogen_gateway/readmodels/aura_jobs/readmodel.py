"""The `aura_jobs` read models: jobs, their steps, and the SSE messages of each job.

`apply_aura_event` runs inside the project projector's transaction, after its ordering and
tracking checks, so it sees each event of a production's stream once and in order. It reads
the job and its steps, lets `aura_feed.translate` say what changes, and writes that: the job
row, the changed steps, and the messages, numbered from the job row's `last_seq` (the row is
locked by the update, so a job's SSE ids have no gaps and commit in order). The commit's
NOTIFY of `production-<id>:<version>` wakes the job's streams (realtime.Hub).

Only productions of kind "brief" are Aura jobs: their `ProductionQueued` creates the row,
and every other event of a production without a row is ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.production import ProductionEvent, ProductionQueued
from videogen_gateway.readmodels.aura_jobs.translation import (
    STEP_NAMES,
    Job,
    Outcome,
    Step,
    new_job,
    translate,
)
from videogen_gateway.readmodels.owners import owned_filter, viewer
from videogen_gateway.readmodels.queries import Queries
from videogen_gateway.realtime import SseEvent, sse_event

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

AURA_KIND = "brief"
_JOB_COLUMNS = (
    "id, correlation_id, status, stage, progress, attempt, created_at, started_at, ended_at,"
    " errors, warnings, output, artifacts, video_key, subtitle_key"
)
_STEP_COLUMNS = "name, status, progress_pct, started_at, completed_at, errors"
_JSON_FIELDS = ("errors", "warnings", "output", "artifacts")


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


def job_of(last_seq: int = 0, total: int = 0, **values: Any) -> Job:
    """A job from its row (the columns of `_JOB_COLUMNS`, JSON as text)."""
    for name in _JSON_FIELDS:
        decoded = msgspec.json.decode(values[name]) if values[name] is not None else None
        values[name] = tuple(decoded) if isinstance(decoded, list) else decoded
    return Job(**values)


def step_of(errors: str, **values: Any) -> Step:
    return Step(errors=tuple(msgspec.json.decode(errors)), **values)


async def apply_aura_event(
    conn: Conn, q: str, recorded: RecordedEvent, event: ProductionEvent
) -> None:
    """Apply one Production event to the Aura read models; `q` is the quoted schema."""
    if isinstance(event, ProductionQueued):
        if event.kind != AURA_KIND:
            return
        job, steps = new_job(event, recorded.metadata.correlation_id)
        await conn.execute(
            f"INSERT INTO {q}.aura_jobs (id, correlation_id, status, stage, created_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            job.id, job.correlation_id, job.status, job.stage, job.created_at,
        )
        await conn.executemany(
            f"INSERT INTO {q}.aura_job_steps (job_id, position, name, status) VALUES ($1, $2,"
            " $3, $4) ON CONFLICT (job_id, name) DO NOTHING",
            [(job.id, index, name, steps[name].status) for index, name in enumerate(STEP_NAMES)],
        )
    else:
        row = await conn.fetchrow(
            f"SELECT {_JOB_COLUMNS} FROM {q}.aura_jobs WHERE id = $1 FOR UPDATE",
            event.production_id,
        )
        if row is None:
            return  # not an Aura job (text2video, studio render)
        job = job_of(**row)
        step_rows = await conn.fetch(
            f"SELECT {_STEP_COLUMNS} FROM {q}.aura_job_steps WHERE job_id = $1", job.id
        )
        steps = {s.name: s for s in (step_of(**r) for r in step_rows)}
    await _write(conn, q, translate(job, steps, event), recorded.recorded_at)


async def _write(conn: Conn, q: str, out: Outcome, at: datetime) -> None:
    job = out.job
    last = await conn.fetchval(
        f"UPDATE {q}.aura_jobs SET status = $2, stage = $3, progress = $4, attempt = $5,"
        " started_at = $6, ended_at = $7, errors = $8, warnings = $9, output = $10,"
        " artifacts = $11, video_key = $12, subtitle_key = $13,"
        " last_seq = last_seq + $14 WHERE id = $1 RETURNING last_seq",
        job.id, job.status, job.stage, job.progress, job.attempt, job.started_at,
        job.ended_at, _json(job.errors), _json(job.warnings),
        None if job.output is None else _json(job.output), _json(job.artifacts),
        job.video_key, job.subtitle_key, len(out.messages),
    )
    if out.changed:
        await conn.executemany(
            f"UPDATE {q}.aura_job_steps SET status = $3, progress_pct = $4, started_at = $5,"
            " completed_at = $6, errors = $7 WHERE job_id = $1 AND name = $2",
            [(job.id, s.name, s.status, s.progress_pct, s.started_at, s.completed_at,
              _json(s.errors)) for s in (out.steps[n] for n in sorted(out.changed))],
        )
    first = int(last) - len(out.messages) + 1
    await conn.executemany(
        f"INSERT INTO {q}.aura_job_events (job_id, seq, event, data, created_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_id, seq) DO NOTHING",
        [(job.id, first + i, m.event, _json(m.data), at) for i, m in enumerate(out.messages)],
    )


class JobView(msgspec.Struct, frozen=True, kw_only=True):
    job: Any  # Job (a dataclass)
    steps: list[Any]  # list[Step], in pipeline order
    last_seq: int


class AuraJobQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        self._get = f"SELECT {_JOB_COLUMNS}, last_seq FROM {q}.aura_jobs WHERE id = $1"
        self._steps = (f"SELECT {_STEP_COLUMNS} FROM {q}.aura_job_steps WHERE job_id = $1"
                       " ORDER BY position")
        self._page = (f"SELECT {_JOB_COLUMNS}, last_seq, count(*) OVER () AS total"
                      f" FROM {q}.aura_jobs WHERE {owned_filter(q, 'id', 3)}"
                      " ORDER BY created_at DESC, id LIMIT $1 OFFSET $2")
        self._count = f"SELECT count(*) FROM {q}.aura_jobs WHERE {owned_filter(q, 'id', 1)}"
        self._steps_of = (f"SELECT job_id, {_STEP_COLUMNS} FROM {q}.aura_job_steps"
                          " WHERE job_id = ANY($1::uuid[]) ORDER BY job_id, position")
        self._events = (f"SELECT seq AS id, event, data FROM {q}.aura_job_events"
                        " WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")

    async def get(self, job_id: UUID) -> JobView | None:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(self._get, job_id)
            if row is None:
                return None
            steps = [step_of(**r) for r in await conn.fetch(self._steps, job_id)]
        return JobView(job=job_of(**row), steps=steps, last_seq=int(row["last_seq"]))

    async def page(self, size: int, offset: int) -> tuple[list[Job], int]:
        """A page of the acting user's jobs (everyone's for an admin), and their count."""
        user = viewer()
        rows = await self.pool.fetch(self._page, size, offset, user)
        if not rows:
            return [], int(await self.pool.fetchval(self._count, user))
        return [job_of(**r) for r in rows], int(rows[0]["total"])

    async def steps_of(self, job_ids: list[UUID]) -> dict[UUID, list[Step]]:
        found: dict[UUID, list[Step]] = {}
        for row in await self.pool.fetch(self._steps_of, job_ids):
            values = dict(row)
            found.setdefault(values.pop("job_id"), []).append(step_of(**values))
        return found

    async def events_after(self, job_id: UUID, seq: int, limit: int = 1000) -> list[SseEvent]:
        return await self.all(self._events, sse_event, job_id, seq, limit)

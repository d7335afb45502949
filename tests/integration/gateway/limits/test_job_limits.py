"""Concurrent jobs per user and the global queue depth, read from `active_jobs`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
from videogen_eventstore.migrations import quote_ident
from videogen_gateway.access.limit_settings import AbuseLimits

from .conftest import USER_HEADER, Replica, queued_production

NOW = datetime.now(UTC)


async def production(db: asyncpg.Pool, schema: str, owner: str | None, status: str) -> str:
    return await queued_production(db, schema, owner, status)


async def post(client: httpx.AsyncClient, path: str, user: str) -> httpx.Response:
    return await client.post(path, headers={USER_HEADER: user})


async def test_past_the_user_limit_a_job_is_refused(
    replica: Replica, db: asyncpg.Pool, gateway_schema: str
) -> None:
    client = await replica(AbuseLimits(max_active_jobs_per_user=2, max_queue_depth=100))
    await production(db, gateway_schema, "alice", "queued")
    await production(db, gateway_schema, "alice", "completed")
    assert (await post(client, "/api/v1/generate", "alice")).status_code == 202
    await production(db, gateway_schema, "alice", "processing")
    refused = await post(client, "/api/jobs", "alice")
    assert refused.status_code == 429, refused.text
    assert refused.headers["retry-after"] == "10"
    assert "at most 2 at once" in refused.json()["detail"]
    assert (await post(client, "/api/jobs", "bob")).status_code == 202
    # An upload is not a job: only its rate limit applies.
    assert (await post(client, "/api/uploads", "alice")).status_code == 200


async def test_past_the_queue_depth_everyone_is_refused(
    replica: Replica, db: asyncpg.Pool, gateway_schema: str
) -> None:
    client = await replica(AbuseLimits(max_active_jobs_per_user=10, max_queue_depth=3))
    for owner in ("alice", "bob", None):
        await production(db, gateway_schema, owner, "queued")
    refused = await post(client, "/api/v1/generate", "carol")
    assert refused.status_code == 429
    assert refused.json() == {"error": "the job queue is full; try again later"}
    assert refused.headers["retry-after"] == "10"


async def test_a_burst_cannot_pass_the_user_limit_together(
    replica: Replica, db: asyncpg.Pool, gateway_schema: str
) -> None:
    limits = AbuseLimits(max_active_jobs_per_user=3, max_queue_depth=100)
    clients = [await replica(limits), await replica(limits)]
    answers = await asyncio.gather(*(
        clients[i % 2].post("/api/slow-jobs", headers={USER_HEADER: "alice"})
        for i in range(20)
    ))
    assert sorted(a.status_code for a in answers) == [202] * 3 + [429] * 17
    q = quote_ident(gateway_schema)
    assert await db.fetchval(f"SELECT count(*) FROM {q}.active_jobs") == 3
    # Every admission was released once its request was answered.
    assert await db.fetchval(f"SELECT count(*) FROM {q}.job_admissions") == 0


async def test_active_jobs_counts_each_unfinished_job_once(
    db: asyncpg.Pool, gateway_schema: str
) -> None:
    q = quote_ident(gateway_schema)
    running = await production(db, gateway_schema, "alice", "processing")
    await production(db, gateway_schema, "alice", "failed")
    project, task, lone, in_task = (uuid.uuid4() for _ in range(4))
    await db.execute(f"INSERT INTO {q}.resource_owners VALUES ($1, 'bob')", str(project))
    await db.execute(
        f"INSERT INTO {q}.manim_tasks (task_id, kind, project, project_key, session_id,"
        " status, steps, created_at, updated_at)"
        " VALUES ($1, 'generate', 'p', $2, 's', 'progress', '[]', $3, $3)", task, project, NOW)
    for job, task_id in ((lone, None), (in_task, task)):
        await db.execute(
            f"INSERT INTO {q}.manim_jobs (job_id, session_id, project_key, task_id, kind,"
            " status, requested_at, updated_at)"
            " VALUES ($1, 's', $2, $3, 'render', 'running', $4, $4)", job, project, task_id, NOW)
    rows = {tuple(r) for r in await db.fetch(f"SELECT resource_id, owner FROM {q}.active_jobs")}
    # The task's own job is the task's work, counted once (as the task).
    assert rows == {(running, "alice"), (str(task), "bob"), (str(lone), "bob")}

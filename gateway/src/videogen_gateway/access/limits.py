"""The abuse limits of expensive operations: a rate per user and kind, the jobs one user may
have running, and the depth of every queue together (limit_settings.py has the numbers).

The counters live in PostgreSQL, not in this process, so every replica of the gateway
enforces the same limits: the rate bucket is taken in one atomic statement (an upsert that
refills and spends under the row's lock; a concurrent request on another replica waits for
it and sees what it left), and the job counts are read from the `active_jobs` view over the
read models plus the admissions still being answered (0013_limits.sql). The guard runs
before any body is read, so a refused request enqueues nothing.
"""

from __future__ import annotations

import math
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import structlog
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers import BaseRouteHandler
from litestar.types import Scope
from videogen_contracts.identity import Principal
from videogen_eventstore.migrations import quote_ident

from videogen_gateway.access.limit_settings import (
    BUSY_RETRY_AFTER_SECONDS,
    JOB_KINDS,
    AbuseLimits,
    Rate,
)
from videogen_gateway.access.route_opts import cost_of
from videogen_gateway.errors import ApiError
from videogen_gateway.runtime import runtime_of

log = structlog.get_logger("videogen_gateway.limits")

# Refill for the time since the bucket's last change (never negative: replicas' clocks are
# the database's, but a transaction's now() may predate a row written by a later one), cap
# at the burst, and spend one token only if one is there. No row back means refused.
_TAKE = """
INSERT INTO {q}.rate_buckets AS b (user_id, kind, tokens, updated_at)
VALUES ($1, $2, $3::float8 - 1, now())
ON CONFLICT (user_id, kind) DO UPDATE SET
    tokens = LEAST($3::float8, b.tokens
        + GREATEST(0, EXTRACT(EPOCH FROM now() - b.updated_at)) * $4::float8) - 1,
    updated_at = GREATEST(b.updated_at, now())
WHERE LEAST($3::float8, b.tokens
    + GREATEST(0, EXTRACT(EPOCH FROM now() - b.updated_at)) * $4::float8) >= 1
RETURNING tokens
"""
_LEFT = """
SELECT LEAST($3::float8, tokens
    + GREATEST(0, EXTRACT(EPOCH FROM now() - updated_at)) * $4::float8)
FROM {q}.rate_buckets WHERE user_id = $1 AND kind = $2
"""
# Admissions of requests still being answered, and the jobs the read models show: a job
# counts once it is admitted, before its first event is projected.
_ACTIVE = """
SELECT count(*) FILTER (WHERE owner = $1), count(*) FROM (
    SELECT owner FROM {q}.active_jobs
    UNION ALL
    SELECT user_id FROM {q}.job_admissions WHERE admitted_at > now() - $2::interval
) AS counted
"""
# An admission left by a gateway that died mid-request stops counting after this: longer
# than any request waits (a studio quick-generate waits for the language model, 120 s).
ADMISSION_TTL = timedelta(seconds=300)
ADMISSION_KEY = "videogen.admission"


async def admit(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise 429 with Retry-After past a limit; a route that is not costly passes."""
    kind = cost_of(handler.opt)
    if kind is None:
        return
    rt = runtime_of(connection.app.state)
    limits = rt.options.limits
    await take_token(rt.pool, rt.schema, principal.id, kind, limits.rate_of(kind))
    if kind in JOB_KINDS:
        admission = await admit_job(rt.pool, rt.schema, principal.id, limits)
        connection.scope[ADMISSION_KEY] = admission  # type: ignore[literal-required]


async def take_token(pool: asyncpg.Pool, schema: str, user: str, kind: str, rate: Rate) -> None:
    q = quote_ident(schema)
    args = (user, kind, float(rate.burst), rate.per_second)
    async with pool.acquire() as conn:
        if await conn.fetchval(_TAKE.format(q=q), *args) is not None:
            return
        left = await conn.fetchval(_LEFT.format(q=q), *args)
    wait = (1 - float(left or 0.0)) / rate.per_second
    raise too_many(
        f"too many {kind} requests: at most {rate.burst} per {rate.window_seconds:g} seconds",
        max(1, math.ceil(wait)),
    )


async def admit_job(
    pool: asyncpg.Pool, schema: str, user: str, limits: AbuseLimits
) -> uuid.UUID:
    """Count the user's jobs and everyone's, and admit one more if both have room.

    The count and the admission are one transaction under one advisory lock (every
    replica takes turns on it), so a burst cannot all see the same count and all pass:
    each sees the admissions before it. The request's admission is released when it has
    been answered (`release_admission`)."""
    q = quote_ident(schema)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                           f"videogen.admissions/{schema}")
        await conn.execute(
            f"DELETE FROM {q}.job_admissions WHERE admitted_at <= now() - $1::interval",
            ADMISSION_TTL,
        )
        row = await conn.fetchrow(_ACTIVE.format(q=q), user, ADMISSION_TTL)
        mine, everyone = (int(row[0]), int(row[1])) if row else (0, 0)
        if mine >= limits.max_active_jobs_per_user:
            raise too_many(
                f"too many jobs running: at most {limits.max_active_jobs_per_user} at once"
                " per user; wait for one to finish", BUSY_RETRY_AFTER_SECONDS,
            )
        if everyone >= limits.max_queue_depth:
            raise too_many("the job queue is full; try again later", BUSY_RETRY_AFTER_SECONDS)
        admission = uuid.uuid4()
        await conn.execute(f"INSERT INTO {q}.job_admissions (id, user_id) VALUES ($1, $2)",
                           admission, user)
        return admission


async def release_admission(scope: Scope, state: State) -> None:
    """After the request was answered: its job (if any) is in the read models now."""
    admission = scope.get(ADMISSION_KEY)
    if not isinstance(admission, uuid.UUID):
        return
    rt = runtime_of(state)
    try:
        await rt.pool.execute(
            f"DELETE FROM {quote_ident(rt.schema)}.job_admissions WHERE id = $1", admission
        )
    except (asyncpg.PostgresError, OSError) as error:
        # The answer is sent already; the admission expires on its own (ADMISSION_TTL).
        log.warning("limits.release_failed", error=repr(error))


def too_many(detail: str, retry_after: int) -> ApiError:
    return ApiError(429, detail, headers={"Retry-After": str(retry_after)})

"""The abuse limits of expensive operations: a rate per user and kind, the jobs one user may
have running, and the depth of every queue together (limit_settings.py has the numbers).

The counters live in PostgreSQL, not in this process, so every replica of the gateway
enforces the same limits: the rate bucket is taken in one atomic statement (an upsert that
refills and spends under the row's lock; a concurrent request on another replica waits for
it and sees what it left), and the job counts are read from the `active_jobs` view over the
read models (0013_limits.sql). The guard runs before any body is read, so a refused
request enqueues nothing.
"""

from __future__ import annotations

import math
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
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
_ACTIVE = "SELECT count(*) FILTER (WHERE owner = $1), count(*) FROM {q}.active_jobs"


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
        await require_queue_room(rt.pool, rt.schema, principal.id, limits)


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


async def require_queue_room(
    pool: asyncpg.Pool, schema: str, user: str, limits: AbuseLimits
) -> None:
    row = await pool.fetchrow(_ACTIVE.format(q=quote_ident(schema)), user)
    mine, everyone = (int(row[0]), int(row[1])) if row else (0, 0)
    if mine >= limits.max_active_jobs_per_user:
        raise too_many(
            f"too many jobs running: at most {limits.max_active_jobs_per_user} at once per"
            " user; wait for one to finish", BUSY_RETRY_AFTER_SECONDS,
        )
    if everyone >= limits.max_queue_depth:
        raise too_many("the job queue is full; try again later", BUSY_RETRY_AFTER_SECONDS)


def too_many(detail: str, retry_after: int) -> ApiError:
    return ApiError(429, detail, headers={"Retry-After": str(retry_after)})

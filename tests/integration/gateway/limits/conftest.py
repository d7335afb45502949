"""A guarded app of its own for the limits tests: a few costly routes under the real guard
(access/guard.py) on a real PostgreSQL schema, as many "replicas" as a test wants (one
Runtime and pool each, one schema), and the caller named by a test header."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar, Request, get, post
from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send
from videogen_contracts.identity import Principal
from videogen_eventstore.migrations import quote_ident
from videogen_gateway.access.guard import authorize
from videogen_gateway.access.limit_settings import AbuseLimits
from videogen_gateway.access.limits import release_admission
from videogen_gateway.access.principal import set_principal
from videogen_gateway.access.route_opts import costly
from videogen_gateway.errors import EXCEPTION_HANDLERS
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.runtime import GatewayOptions, Runtime, runtime_of
from videogen_runtime.settings import Settings

USER_HEADER = "x-test-user"


@post("/api/v1/generate", status_code=202, opt=costly("generate"))
async def text2video_generate() -> dict[str, str]:
    return {"status": "queued"}


@post("/api/jobs", status_code=202, opt=costly("aura_job"))
async def aura_job() -> dict[str, str]:
    return {"status": "Queued"}


@post("/api/uploads", status_code=200, opt=costly("upload"))
async def upload() -> dict[str, str]:
    return {"status": "stored"}


@get("/api/free")
async def free() -> dict[str, str]:
    return {"status": "ok"}


@post("/api/slow-jobs", status_code=202, opt=costly("generate"))
async def slow_job(request: Request[Any, Any, Any], state: State) -> dict[str, str]:
    """Enqueues a job the way a real route does: visible in the read model before the
    answer (read-your-writes), a while after the guard admitted it."""
    rt = runtime_of(state)
    await asyncio.sleep(0.2)
    job = await queued_production(rt.pool, rt.schema, request.headers[USER_HEADER])
    return {"job_id": job}


async def queued_production(
    pool: asyncpg.Pool, schema: str, owner: str | None, status: str = "queued"
) -> str:
    """A production row as the projection writes it, owned through its project."""
    job, project, q = uuid.uuid4(), uuid.uuid4(), quote_ident(schema)
    await pool.execute(
        f"INSERT INTO {q}.productions (id, project_id, kind, status, stage, message,"
        " created_at, updated_at) VALUES ($1, $2, 'text2video', $3, 'queued', '', now(), now())",
        job, project, status,
    )
    if owner:
        await pool.execute(f"INSERT INTO {q}.resource_owners VALUES ($1, $2)", str(project), owner)
    return str(job)


def as_caller(app: Litestar) -> ASGIApp:
    """What the gateway does around the app (app.py): the caller's principal (from a test
    header, as the authentication middleware would), and the admission released after."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        user = dict(scope.get("headers", ())).get(USER_HEADER.encode())
        if user:
            set_principal(scope, Principal(id=user.decode(), name=user.decode(),
                                           scopes=("read", "write"), method="apikey"))
        try:
            await app(scope, receive, send)
        finally:
            await release_admission(scope, app.state)

    return asgi


Replica = Callable[[AbuseLimits], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def gateway_schema(pg_url: str, world_id: str) -> str:
    """This test's gateway schema (`<namespace>_gateway`), migrated."""
    schema = Settings(namespace=world_id).schema_for("gateway")
    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=2)
    try:
        await migrate_gateway(pool, schema)
    finally:
        await pool.close()
    return schema


@pytest.fixture
async def db(pg_url: str, gateway_schema: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def replica(
    pg_url: str, nats_url: str, world_id: str, gateway_schema: str, tmp_path: Path
) -> AsyncIterator[Replica]:
    """Starts a gateway replica (its own pool) with these limits; all share one schema."""
    opened: list[tuple[asyncpg.Pool, httpx.AsyncClient]] = []

    async def start(limits: AbuseLimits) -> httpx.AsyncClient:
        settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                            data_dir=tmp_path)
        rt = Runtime(settings, GatewayOptions(limits=limits))
        rt.pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=8)
        app = Litestar(
            route_handlers=[text2video_generate, aura_job, upload, free, slow_job],
            guards=[authorize],
            exception_handlers=EXCEPTION_HANDLERS, state=State({"runtime": rt}),
            logging_config=None,
        )
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=as_caller(app)),
                                 base_url="http://gateway")
        opened.append((rt.pool, http))
        return http

    try:
        yield start
    finally:
        for pool, http in opened:
            await http.aclose()
            await pool.close()

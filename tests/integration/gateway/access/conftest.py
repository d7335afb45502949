"""The gateway in-process on real PostgreSQL and NATS, with an authentication mode of the
test's choosing, served by uvicorn on the test's loop (credentials travel as real headers).

No service runs: these tests are about who the caller is, which the gateway decides before
any command is sent. `/api/me` shows the outcome; `/api/health/live` is a public route.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from litestar import Litestar
from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.app import create_app
from videogen_gateway.runtime import GatewayOptions, Runtime, runtime_of
from videogen_local.infra import free_port
from videogen_runtime.settings import Settings


@dataclass
class Served:
    http: httpx.AsyncClient
    runtime: Runtime


Gateway = Callable[..., AbstractAsyncContextManager[Served]]


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(20):
        while not server.started:
            assert not task.done(), "the gateway did not start"
            await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def gateway(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> Gateway:
    """`async with gateway(AuthOptions(...)) as served:` a started gateway and its client."""

    @asynccontextmanager
    async def start(auth: AuthOptions, **options: Any) -> AsyncIterator[Served]:
        settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                            data_dir=tmp_path)
        app = create_app(settings, GatewayOptions(resend_for=1.0, auth=auth, **options))
        async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
            yield Served(http, runtime_of(app.state))

    return start

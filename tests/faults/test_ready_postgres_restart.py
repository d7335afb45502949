"""Stop PostgreSQL under a running stack: /health/ready turns 503 naming postgres, and
turns 200 again once the same server is back, with the services writing again.

The test owns its PostgreSQL (embedded, durable, on a fixed port) and its whole stack, so
stopping the database disturbs no other test.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.infra import Server, free_port, start_postgres
from videogen_local.stack import Stack, stack_env

pytestmark = pytest.mark.slow


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[Server]:
    server = start_postgres(tmp_path / "pg", port=free_port(), durable=True)
    yield server
    server.stop()


async def _ready_until(
    http: httpx.AsyncClient, status: int, within: float
) -> tuple[int, dict[str, Any]]:
    deadline = time.monotonic() + within
    while True:
        response = await http.get("/health/ready")
        if response.status_code == status or time.monotonic() > deadline:
            return response.status_code, response.json()
        await asyncio.sleep(0.3)


def _by_status(report: dict[str, Any], status: str) -> set[str]:
    return {c["name"] for c in report["checks"] if c["status"] == status}


@pytest.mark.timeout(240)
async def test_ready_is_503_while_postgres_is_down_and_200_when_it_is_back(
    own_postgres: Server, nats_url: str, tmp_path: Path
) -> None:
    env = stack_env(own_postgres.url, nats_url, free_port(), "p" + uuid.uuid4().hex[:10],
                    VIDEOGEN_DATA_DIR=str(tmp_path / "data"))
    stack = Stack(env, log_dir=tmp_path)
    stack.start_all()
    try:
        stack.wait_ready()
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
            await _outage_and_recovery(http, own_postgres, tmp_path)
    finally:
        stack.stop()


async def _outage_and_recovery(http: httpx.AsyncClient, pg: Server, tmp_path: Path) -> None:
    code, report = await _ready_until(http, 200, 10)
    assert code == 200, report

    await asyncio.to_thread(pg.stop)
    code, report = await _ready_until(http, 503, 20)
    assert code == 503, report
    assert report["status"] == "unhealthy"
    assert _by_status(report, "unhealthy") == {"postgres"}
    postgres = next(c for c in report["checks"] if c["name"] == "postgres")
    assert "down" in postgres["description"]
    assert (await http.get("/health/live")).status_code == 200

    restarted = await asyncio.to_thread(start_postgres, tmp_path / "pg", port=pg.port)
    try:
        code, report = await _ready_until(http, 200, 60)
        assert code == 200, report
        assert "postgres" in _by_status(report, "healthy")
        # Not only the probe: the services' own pools write again (settings: the project
        # service's event store, read back through its query).
        written = await _until_written(http)
        assert written.status_code == 200, written.text
        assert written.json()["defaultVoice"]["rate"] == 1.5
    finally:
        await asyncio.to_thread(restarted.stop)


async def _until_written(http: httpx.AsyncClient, within: float = 30) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = await http.put("/api/settings", json={"defaultVoice": {"rate": 1.5}})
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.5)

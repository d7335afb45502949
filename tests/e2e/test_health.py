"""Health over real HTTP: the studio's /api/v1/health and the /api/health/live|ready probes,
with everything up, then with the project service killed (-9) and brought back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
from videogen_local.stack import Stack


async def _get(stack: Stack, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=10) as client:
        return await client.get(path)


async def _eventually(
    stack: Stack, path: str, status: int, within: float = 20.0
) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = await _get(stack, path)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


async def test_everything_up(stack: Stack) -> None:
    response = await _get(stack, "/api/v1/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert {"postgres", "nats", "project"} <= set(body["checks"])
    assert all(c["status"] == "ok" for c in body["checks"].values())
    assert response.headers["x-correlation-id"]

    live = await _get(stack, "/api/health/live")
    assert live.status_code == 200
    assert live.json()["status"] == "healthy"

    ready = await _get(stack, "/api/health/ready")
    assert ready.status_code == 200
    report = ready.json()
    assert report["status"] in {"healthy", "degraded"}
    assert report["timestamp"]
    names = {c["name"] for c in report["checks"]}
    assert {"postgres", "nats", "project"} <= names
    for check in report["checks"]:
        assert {"name", "status", "description", "data"} <= set(check)


async def test_a_dead_service_is_named_and_comes_back(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    stack.kill("project")
    down = await _eventually(stack, "/api/v1/health", 503)
    assert down.status_code == 503
    body: dict[str, Any] = down.json()
    assert body["checks"]["project"]["status"] == "down"
    assert body["checks"]["postgres"]["status"] == "ok"
    assert "project" in body["error"]

    ready = await _get(stack, "/api/health/ready")
    assert ready.status_code == 503
    failing = [c["name"] for c in ready.json()["checks"] if c["status"] == "unhealthy"]
    assert failing == ["project"]
    assert (await _get(stack, "/api/health/live")).status_code == 200

    # A create sent while the service is down is resent until it is back (same command_id).
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
        pending = asyncio.create_task(client.post("/api/v1/projects", json={"topic": "Patience"}))
        await asyncio.sleep(1.0)
        stack.start("project")
        created = await pending
        assert created.status_code == 201, created.text
        listed = (await client.get("/api/v1/projects")).json()
        assert [p["topic"] for p in listed].count("Patience") == 1

    assert (await _eventually(stack, "/api/v1/health", 200)).status_code == 200
    assert (await _get(stack, "/api/health/ready")).status_code == 200

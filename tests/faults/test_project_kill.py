"""kill -9 the project service during 200 concurrent creates, then restart it.

Every create that got a 2xx must be listed exactly once; a create that got no reply is
either there whole or not there at all. The gateway resends a command with the same
command_id while the service is down, and the service derives event ids from it, so a
resend never creates a second project.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from videogen_local.stack import Stack

pytestmark = pytest.mark.slow

CREATES = 200


async def _create(client: httpx.AsyncClient, i: int) -> tuple[int, httpx.Response | None]:
    body = {"topic": f"fault topic {i}", "style": "documentary", "targetDuration": 3}
    try:
        return i, await client.post("/api/v1/projects", json=body)
    except httpx.HTTPError:
        return i, None


async def _kill_and_restart(stack: Stack) -> None:
    await asyncio.sleep(0.3)
    stack.kill("project")
    await asyncio.sleep(1.0)
    stack.start("project")


async def test_kill_project_service_during_concurrent_creates(make_stack) -> None:  # type: ignore[no-untyped-def]
    stack: Stack = make_stack()
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60, limits=limits) as client:
        results, _ = await asyncio.gather(
            asyncio.gather(*(_create(client, i) for i in range(CREATES))),
            _kill_and_restart(stack),
        )
        listed = (await client.get("/api/v1/projects")).json()

    projects = listed if isinstance(listed, list) else listed["projects"]
    by_topic = Counter(p["topic"] for p in projects)
    ok = {i: r for i, r in results if r is not None and r.is_success}
    assert ok, "no create succeeded at all"
    for i, response in ok.items():
        topic = f"fault topic {i}"
        assert by_topic[topic] == 1, f"{topic} listed {by_topic[topic]} times"
        assert response.json()["id"] in {p["id"] for p in projects}
    for p in projects:
        assert by_topic[p["topic"]] == 1
        # "whole": every field of the create is there, not a half-written row
        assert p["style"] == "documentary"
        assert p["targetDuration"] == 3
    failed = [r.status_code for _, r in results if r is not None and not r.is_success]
    assert all(code in (503, 504) for code in failed), failed

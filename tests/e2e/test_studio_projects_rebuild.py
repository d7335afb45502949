"""`python -m videogen_gateway rebuild` on a live stack: the read models come back the same."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

import httpx
from videogen_local.stack import Stack


async def test_rebuild_command_restores_the_read_models(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack()
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=30) as api:
        kept = (await api.post("/projects", json={"topic": "Kept", "targetDuration": 3})).json()
        await api.post(f"/projects/{kept['id']}/cast/batch",
                       json={"characters": [{"name": "Ada"}, {"name": "Bo"}]})
        await api.put(f"/projects/{kept['id']}", json={"tone": "warm"})
        gone = (await api.post("/projects", json={"topic": "Gone"})).json()
        await api.delete(f"/projects/{gone['id']}")
        before_list = (await api.get("/projects")).json()
        before_detail = (await api.get(f"/projects/{kept['id']}")).json()

    stack.kill("gateway")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "videogen_gateway", "rebuild",
        env=stack.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, stderr.decode()
    assert b"rebuild.finished" in stderr
    stack.start("gateway")
    stack.wait_ready()

    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=30) as api:
        assert (await api.get("/projects")).json() == before_list
        assert (await api.get(f"/projects/{kept['id']}")).json() == before_detail
        assert (await api.get(f"/projects/{gone['id']}")).status_code == 404
        # And it keeps projecting new events after the rebuild.
        new = await api.post("/projects", json={"topic": "After"})
        assert new.status_code == 201
        assert (await api.get(f"/projects/{new.json()['id']}")).status_code == 200

"""Ownership is stamped where the data is, end to end (`VIDEOGEN_AUTH=apikey`, the whole
stack as processes): a studio project alice makes over HTTP with her key is hers on every
stream the services make for it, though workers in other processes made most of them
reacting to her events (the actor travels in NATS headers and in every event's metadata).

Doc 000 has no render endpoint, so the narration is started as the studio's backend would:
`start_production` on the bus, for alice (test_stale_rerender does the same).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import msgspec
import pytest
from videogen_bus.actor import acting_as
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.identity import Actor
from videogen_contracts.media.events import stream_id_for as preparation_stream
from videogen_contracts.project.events import stream_id_for as project_stream
from videogen_contracts.project.production import stream_id_for as production_stream
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.events import stream_id_for as script_stream
from videogen_contracts.script.events import studio_script_id
from videogen_contracts.subjects import Namespace
from videogen_eventstore.postgres import PostgresEventStore
from videogen_local.stack import Stack

from tests.e2e.test_api_keys import keys_process

ALICE = Actor(user="alice")


@pytest.fixture(scope="module")
def stack(apikey_stack: Stack) -> Stack:
    return apikey_stack


async def alices_key(stack: Stack) -> str:
    created = await keys_process(stack, "create", "--user", "alice", "--scope", "read",
                             "--scope", "write")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


async def command(stack: Stack, name: str, body: dict[str, object]) -> None:
    """A project-service command for alice, as the studio's backend sends it."""
    nc = await connect(stack.env["VIDEOGEN_NATS_URL"], "owner-stamping-test")
    try:
        body = {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **body}
        with acting_as(ALICE):
            reply = await send_command(
                nc, Namespace(stack.env["VIDEOGEN_NAMESPACE"]), "project", name,
                msgspec.json.encode(body), correlation_id=f"owner-{name}", timeout=10,
            )
        assert isinstance(reply, CommandAccepted), reply
    finally:
        await drain(nc)


async def test_alices_studio_project_is_hers_on_its_script_and_narration_streams(
    stack: Stack, pg_url: str
) -> None:
    key = await alices_key(stack)
    async with httpx.AsyncClient(
        base_url=stack.base_url + "/api/v1", timeout=120,
        headers={"Authorization": f"Bearer {key}"},
    ) as api:
        created = await api.post(
            "/projects", json={"topic": "How bees dance", "targetDuration": 0.3}
        )
        assert created.status_code == 201, created.text
        project_id = uuid.UUID(created.json()["id"])
        generated = await api.post(
            f"/projects/{project_id}/quick-generate", json={"targetDuration": 0.3}
        )
        assert generated.status_code == 201, generated.text

    job = uuid.uuid4()
    await command(stack, "start_production", {
        "production_id": str(job), "project_id": str(project_id), "kind": "project",
        "render": {"width": 426, "height": 240, "fps": 15, "aspect": "16:9"},
    })
    ns = stack.env["VIDEOGEN_NAMESPACE"]
    async with asyncpg.create_pool(pg_url, min_size=1, max_size=2) as pool:
        logs = {s: PostgresEventStore(pool, f"{ns}_{s}", s) for s in ("project", "script", "media")}
        # The media worker's first narrated sentence: made reacting to alice's request.
        deadline = time.monotonic() + 180
        narration = await logs["media"].read_stream(preparation_stream(job))
        while "SentenceNarrated" not in {r.type for r in narration}:
            assert time.monotonic() < deadline, [r.type for r in narration]
            await asyncio.sleep(0.25)
            narration = await logs["media"].read_stream(preparation_stream(job))
        await command(stack, "cancel_production", {"production_id": str(job)})  # spare the CPU

        streams = [
            ("project", project_stream(project_id)), ("project", production_stream(job)),
            ("script", script_stream(studio_script_id(project_id))),
            ("media", preparation_stream(job)),
        ]
        for service, stream_id in streams:
            recorded = await logs[service].read_stream(stream_id)
            assert recorded, stream_id
            assert {r.metadata.owner for r in recorded} == {"alice"}, stream_id

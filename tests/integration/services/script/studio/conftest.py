"""A world for the script service's studio workflow on real PostgreSQL and NATS: the real
project service (its events feed the script service's briefs) and the script service, both
in-process, driven over request/reply exactly as the gateway drives them."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from project_service.bootstrap import start_project_service
from script_service.bootstrap import ScriptService, start_script_service
from script_service.config import ScriptConfig
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.project.commands import AddCastMembers, CastMemberSpec, CreateProject
from videogen_contracts.replies import CommandAccepted, CommandReply, QueryAnswered
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    generation_event_decoder,
)
from videogen_contracts.subjects import Namespace
from videogen_providers.llm.base import ScriptWriter
from videogen_runtime.settings import Settings

CAST_DESCRIPTION = "a retired lighthouse keeper who narrates with dry humour"
# The version of a project's stream after `ScriptClient.project` (created, cast added): what
# the gateway passes as `project_version`, so the script service waits for the cast.
PROJECT_VERSION = 2

StartScript = Callable[..., Awaitable[ScriptService]]


def now() -> datetime:
    return datetime.now(UTC)


class ScriptClient:
    """Sends script and project commands on this test's namespace."""

    def __init__(self, nc: Client, ns: Namespace) -> None:
        self.nc = nc
        self.ns = ns

    async def send(
        self,
        service: str,
        name: str,
        command: msgspec.Struct | bytes,
        timeout: float = 30.0,  # noqa: ASYNC109 (the request's own deadline)
    ) -> CommandReply:
        return await send_command(
            self.nc, self.ns, service, name, command, correlation_id=f"corr-{name}", timeout=timeout
        )

    async def script(self, name: str, command: msgspec.Struct | bytes) -> Any:
        return await self.send("script", name, command)

    async def ok(self, name: str, command: msgspec.Struct) -> CommandAccepted:
        reply = await self.script(name, command)
        assert isinstance(reply, CommandAccepted), reply
        return reply

    async def query(self, name: str, query: msgspec.Struct, answer: type[Any]) -> Any:
        reply = await self.script(name, query)
        assert isinstance(reply, QueryAnswered), reply
        return msgspec.json.decode(reply.answer, type=answer)

    async def project(self, target_minutes: float | None = 2.0) -> uuid.UUID:
        project_id = uuid.uuid4()
        for name, command in (
            (
                "create_project",
                CreateProject(
                    command_id=str(uuid.uuid4()),
                    now=now(),
                    project_id=project_id,
                    topic="How lighthouses work",
                    audience="children",
                    tone="playful",
                    target_duration_minutes=target_minutes,
                ),
            ),
            (
                "add_cast_members",
                AddCastMembers(
                    command_id=str(uuid.uuid4()),
                    now=now(),
                    project_id=project_id,
                    members=[
                        CastMemberSpec(
                            character_id=uuid.uuid4(),
                            name="Maud",
                            description=CAST_DESCRIPTION,
                            role="narrator",
                        )
                    ],
                ),
            ),
        ):
            reply = await self.send("project", name, command)
            assert isinstance(reply, CommandAccepted), reply
        return project_id


@pytest.fixture
def settings(pg_url: str, nats_url: str, world_id: str) -> Settings:
    return Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


@pytest.fixture
async def start_script(settings: Settings, stack: AsyncExitStack) -> StartScript:
    """Start the project service, then a script service with the given writer/config."""
    await start_project_service(settings, stack)

    async def start(
        writer: ScriptWriter | None = None, config: ScriptConfig | None = None
    ) -> ScriptService:
        return await start_script_service(
            settings,
            stack,
            writer=writer,
            config=config or ScriptConfig(llm_deadline=20, brief_wait=1.0),
        )

    return start


@pytest.fixture
async def client(nats_url: str, ns: Namespace) -> AsyncIterator[ScriptClient]:
    nc = await connect(nats_url, "script-studio-test")
    yield ScriptClient(nc, ns)
    await drain(nc)


async def run_events(service: ScriptService, job_id: uuid.UUID) -> list[GenerationEvent]:
    recorded = await service.plumbing.store.read_stream(f"generation-{job_id}")
    return [generation_event_decoder.decode(r.data) for r in recorded]


async def run_end(
    service: ScriptService, job_id: uuid.UUID, within: float = 30.0
) -> GenerationCompleted | GenerationFailed:
    """The run's last event once it ended; fails the test if it did not end `within` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        events = await run_events(service, job_id)
        if events and isinstance(events[-1], GenerationCompleted | GenerationFailed):
            return events[-1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"run {job_id} did not end within {within} s: {events}")

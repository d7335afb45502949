"""Two users' resources in the read models, and the real gateway app serving them.

Events are applied by the real projectors (with `metadata.owner` set, as the services'
kernel stamps it), and the app runs with its real lifespan and its real authentication
under uvicorn: each user is a JWT (`VIDEOGEN_AUTH=jwt,none`), no credentials the local user.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import jwt
import msgspec
import pytest
import uvicorn
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.project.events import ProjectCreated
from videogen_contracts.project.events import stream_id_for as project_stream
from videogen_contracts.script.events import ScriptDrafted, ScriptSection, ScriptSentence
from videogen_contracts.script.events import stream_id_for as script_stream
from videogen_gateway.access.authn_options import AuthOptions, JwtOptions
from videogen_gateway.app import create_app
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import (
    ExportProjector,
    MediaProjector,
    ProjectProjector,
    ScriptProjector,
    StreamProjector,
)
from videogen_gateway.runtime import GatewayOptions
from videogen_local.infra import free_port
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.conftest import pool  # noqa: F401 (a fixture)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

# The users of these tests, as JWTs carry them (HS256 with the gateway's secret).
SECRET = "ownership-tests-secret-of-at-least-32-bytes"
SCOPES = {"alice": "read write", "bob": "read write", "root": "read write admin"}


def bearer(user: str) -> dict[str, str]:
    """The Authorization header of `user` (a JWT: `sub` the user, `scope` its scopes)."""
    claims = {"sub": user, "scope": SCOPES[user], "exp": int(time.time()) + 3600}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


@dataclass
class Events:
    """Applies events as the relay would deliver them, one stream version after another."""

    projectors: dict[str, StreamProjector]
    versions: dict[str, int] = field(default_factory=dict)
    positions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # (service, event) in the order applied, for a replay
    applied: list[tuple[str, RecordedEvent]] = field(default_factory=list)

    async def apply(self, service: str, stream_id: str, event: msgspec.Struct, *,
                    owner: str | None, project_id: UUID | str | None = None) -> RecordedEvent:
        version = self.versions[stream_id] = self.versions.get(stream_id, 0) + 1
        position = next(self.positions)
        recorded = RecordedEvent(
            service=service, global_position=position, transaction_id=position,
            stream_id=stream_id, stream_version=version, event_id=uuid4(),
            type=event_type_name(type(event)), schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="ownership-test", owner=owner,
                                   project_id=str(project_id) if project_id else None),
            recorded_at=NOW,
        )
        await self.projectors[service].apply(recorded)
        self.applied.append((service, recorded))
        return recorded


@pytest.fixture
def settings(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> Settings:
    return Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                    data_dir=tmp_path)


@pytest.fixture
def schema(settings: Settings) -> str:
    """The gateway's own schema in this test's world (where its app reads)."""
    return settings.schema_for("gateway")


@pytest.fixture
async def events(pool: asyncpg.Pool, schema: str) -> Events:  # noqa: F811
    await migrate_gateway(pool, schema)
    kinds: dict[str, Callable[..., StreamProjector]] = {
        "project": ProjectProjector, "script": ScriptProjector, "media": MediaProjector,
        "export": ExportProjector,
    }
    return Events({name: make(pool, schema, f"gateway-{name}") for name, make in kinds.items()})


@dataclass
class Gateway:
    """The real app under uvicorn; `gateway(user)` is a client acting as `user` (None: the
    local user)."""

    base_url: str
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def __call__(self, user: str | None) -> httpx.AsyncClient:
        made = httpx.AsyncClient(base_url=self.base_url, headers=bearer(user) if user else {})
        self.clients.append(made)
        return made


@pytest.fixture
async def gateway(settings: Settings, events: Events) -> AsyncIterator[Gateway]:
    # JWTs name the users; a request without credentials is the local user (`none`).
    auth = AuthOptions(modes=("jwt", "none"), jwt=JwtOptions(secret=SECRET))
    app = create_app(settings, GatewayOptions(resend_for=3.0, visible_within=5.0, auth=auth))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False,
                                           lifespan="on"))
    serving = asyncio.create_task(server.serve())
    made = Gateway(f"http://127.0.0.1:{port}")
    async with asyncio.timeout(20):
        while not server.started:
            assert not serving.done(), "the gateway did not start"
            await asyncio.sleep(0.02)
    try:
        yield made
    finally:
        for client in made.clients:
            await client.aclose()
        server.should_exit = True
        await serving


@dataclass(frozen=True)
class StudioWorld:
    """One user's studio project with a script: one section of one sentence."""

    project_id: UUID
    script_id: UUID
    section_id: UUID
    sentence_id: UUID


async def studio_project(events: Events, owner: str | None, topic: str = "Volcanoes"
                         ) -> StudioWorld:
    world = StudioWorld(uuid4(), uuid4(), uuid4(), uuid4())
    pid = world.project_id
    await events.apply("project", project_stream(pid), ProjectCreated(
        project_id=pid, topic=topic, style="documentary", target_duration_minutes=5.0,
        description=None, audience="kids", goal=None, tone=None, language="en",
        aspect_ratio="16:9", owner=None, created_at=NOW,
    ), owner=owner, project_id=pid)
    await events.apply("script", script_stream(world.script_id), ScriptDrafted(
        script_id=world.script_id, project_id=pid, production_id=None, language="en",
        sections=[ScriptSection(section_id=world.section_id, title="Intro", order=0,
                                sentences=[ScriptSentence(sentence_id=world.sentence_id,
                                                          text="Lava is hot.", order=0)])],
        drafted_at=NOW,
    ), owner=owner, project_id=pid)
    return world

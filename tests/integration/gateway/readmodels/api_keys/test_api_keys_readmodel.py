"""The `api_keys` read model on real PostgreSQL, fed by the project projector: the look-up
by hash that authentication uses, revocation, the admin lists, and a replay."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.project.api_keys import (
    ApiKeyCreated,
    ApiKeyEventBase,
    ApiKeyRevoked,
    mint_key,
    stream_id_for,
)
from videogen_contracts.project.events import SERVICE
from videogen_gateway.readmodels.api_keys.queries import ApiKeyQueries, key_by_hash
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import Outcome, ProjectProjector

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
_positions = itertools.count(1)


@pytest.fixture
async def projector(pool: asyncpg.Pool, schema: str) -> ProjectProjector:
    await migrate_gateway(pool, schema)
    return ProjectProjector(pool, schema, "gateway-projects")


def recorded(event: ApiKeyEventBase, version: int) -> RecordedEvent:
    position = next(_positions)
    return RecordedEvent(
        service=SERVICE, global_position=position, transaction_id=position,
        stream_id=stream_id_for(event.key_id), stream_version=version, event_id=uuid4(),
        type=event_type_name(type(event)), schema_version=1, data=to_raw(event),
        metadata=EventMetadata(correlation_id="test"), recorded_at=T0,
    )


def created(user: str, at: datetime) -> tuple[str, ApiKeyCreated]:
    minted = mint_key()
    return minted.key, ApiKeyCreated(
        key_id=minted.key_id, user=user, name=f"{user}'s key", scopes=("read",),
        key_hash=minted.key_hash, created_at=at,
    )


async def test_a_key_is_found_by_its_hash_until_and_after_its_revocation(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str
) -> None:
    _, event = created("alice", T0)
    assert await projector.apply(recorded(event, 1)) is Outcome.APPLIED
    row = await key_by_hash(pool, schema, event.key_hash)
    assert row is not None
    assert (row.key_id, row.user_id, row.name, row.scopes, row.revoked_at) == (
        event.key_id, "alice", "alice's key", ("read",), None)
    assert await key_by_hash(pool, schema, "0" * 64) is None

    revoked_at = T0 + timedelta(minutes=5)
    await projector.apply(recorded(ApiKeyRevoked(key_id=event.key_id, revoked_at=revoked_at), 2))
    row = await key_by_hash(pool, schema, event.key_hash)
    assert row is not None
    assert row.revoked_at == revoked_at


async def test_the_lists_show_every_key_or_one_users_without_hashes(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str
) -> None:
    _, alices = created("alice", T0)
    _, bobs = created("bob", T0 + timedelta(seconds=1))
    for event in (alices, bobs):
        await projector.apply(recorded(event, 1))
    keys = ApiKeyQueries(pool, schema)
    assert [k.key_id for k in await keys.list_keys()] == [alices.key_id, bobs.key_id]
    assert [k.user for k in await keys.list_keys("bob")] == ["bob"]
    assert await keys.list_keys("carol") == []
    one = await keys.get_key(alices.key_id)
    assert one is not None
    assert one.created_at == T0
    assert "key_hash" not in one.__struct_fields__
    assert await keys.get_key("0" * 16) is None


async def test_a_redelivered_event_changes_nothing(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str
) -> None:
    _, event = created("alice", T0)
    first = recorded(event, 1)
    await projector.apply(first)
    assert await projector.apply(first) is Outcome.ALREADY_APPLIED
    assert len(await ApiKeyQueries(pool, schema).list_keys("alice")) == 1

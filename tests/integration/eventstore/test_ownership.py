"""Ownership in the decider kernel, on both stores: a stream belongs to the actor that made
it, its owner is on every event, and another (non-admin) user finds it as if it did not
exist; an admin and the system pass, and a stream with no owner stays open to all."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import msgspec
import pytest
from videogen_bus.actor import acting_as
from videogen_contracts.envelope import EventMetadata
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.identity import Actor
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import (
    AtomicAppender,
    InMemoryAtomicAppender,
    Part,
    PostgresAtomicAppender,
    run_together,
)
from videogen_eventstore.postgres import PostgresEventStore

ALICE = Actor(user="alice")
BOB = Actor(user="bob")
ADMIN = Actor(user="root", admin=True)


class Create(msgspec.Struct, frozen=True):
    title: str


class Rename(msgspec.Struct, frozen=True):
    title: str


class Created(msgspec.Struct, frozen=True, tag_field="type", tag="Created"):
    title: str


class Renamed(msgspec.Struct, frozen=True, tag_field="type", tag="Renamed"):
    title: str


DocEvent = Created | Renamed


def decide(command: Create | Rename, title: str | None) -> list[DocEvent]:
    match command:
        case Create() if title is not None:
            raise Conflict("the doc exists")
        case Create():
            return [Created(command.title)]
        case Rename() if title is None:
            raise NotFound("no such doc")
        case Rename():
            return [] if command.title == title else [Renamed(command.title)]


def evolve(_: str | None, event: DocEvent) -> str:
    return event.title


DOC = Aggregate(
    "doc", lambda key: f"doc-{key}", decide, evolve, None, msgspec.json.Decoder(DocEvent)
)
SHARED = Aggregate(
    "shared", lambda key: f"shared-{key}", decide, evolve, None,
    msgspec.json.Decoder(DocEvent), owned=False,
)
METADATA = EventMetadata(correlation_id="corr-1")


@dataclass
class World:
    store: EventStore
    appender: AtomicAppender

    async def run(
        self, actor: Actor | None, command: Create | Rename, key: str = "1",
        aggregate: Aggregate[str, Create | Rename, str | None, DocEvent] = DOC,
        command_id: str | None = None,
    ) -> CommandAccepted:
        with acting_as(actor):
            return await Streams(self.store).run(
                aggregate, key, command, command_id=command_id or f"{actor}-{command}-{key}",
                metadata=METADATA,
            )

    async def owners(self, stream_id: str = "doc-1") -> list[str | None]:
        return [r.metadata.owner for r in await self.store.read_stream(stream_id)]


@pytest.fixture(params=["memory", "postgres"])
def world(request: pytest.FixtureRequest, pg_pool: asyncpg.Pool, schema: str) -> World:
    if request.param == "memory":
        store = InMemoryEventStore("doc")
        return World(store, InMemoryAtomicAppender(store))
    return World(
        PostgresEventStore(pg_pool, schema, "doc"), PostgresAtomicAppender(pg_pool, schema)
    )


async def test_the_creator_owns_the_stream_and_every_later_event_says_so(world: World) -> None:
    await world.run(ALICE, Create("a"))
    await world.run(ALICE, Rename("b"))
    await world.run(None, Rename("c"))  # the system keeps the owner too
    await world.run(ADMIN, Rename("d"))
    assert await world.owners() == ["alice", "alice", "alice", "alice"]


async def test_another_user_is_refused_with_the_domains_not_found(world: World) -> None:
    await world.run(ALICE, Create("a"))
    with pytest.raises(NotFound, match=r"^no such doc$"):
        await world.run(BOB, Rename("b"))
    # A command that would succeed on a missing stream is still refused, as not found.
    with pytest.raises(NotFound, match=r"^doc-1 not found$"):
        await world.run(BOB, Create("b"))
    assert await world.owners() == ["alice"]


async def test_another_user_cannot_replay_the_owners_command(world: World) -> None:
    await world.run(ALICE, Create("a"), command_id="c-1")
    with pytest.raises(NotFound):
        await world.run(BOB, Rename("b"), command_id="c-1")


async def test_another_user_reads_the_stream_as_if_it_did_not_exist(world: World) -> None:
    first = await world.run(ALICE, Create("a"), command_id="c-1")
    streams = Streams(world.store)
    with acting_as(BOB):
        assert await streams.load(DOC, "1") == (None, [])
        assert await streams.history(DOC, "1") == []
        assert await streams.earlier(DOC, "1", "c-1") is None
    with acting_as(ADMIN):
        assert (await streams.load(DOC, "1"))[0] == "a"
    with acting_as(ALICE):
        earlier = await streams.earlier(DOC, "1", "c-1")
        assert earlier is not None
        assert earlier.global_position == first.global_position


async def test_an_admin_acts_on_anyones_stream(world: World) -> None:
    await world.run(ALICE, Create("a"))
    accepted = await world.run(ADMIN, Rename("b"))
    assert not accepted.duplicate
    assert await world.owners() == ["alice", "alice"]


async def test_a_stream_the_system_made_has_no_owner_and_is_open(world: World) -> None:
    await world.run(None, Create("a"))
    await world.run(BOB, Rename("b"))
    await world.run(ALICE, Rename("c"))
    assert await world.owners() == [None, None, None]


async def test_what_an_admin_creates_is_the_admins(world: World) -> None:
    await world.run(ADMIN, Create("a"))
    with pytest.raises(NotFound):
        await world.run(ALICE, Rename("b"))
    assert await world.owners() == ["root"]


async def test_a_stream_that_belongs_to_nobody_is_never_stamped(world: World) -> None:
    await world.run(ALICE, Create("a"), aggregate=SHARED)
    await world.run(BOB, Rename("b"), aggregate=SHARED)
    assert await world.owners("shared-1") == [None, None]


async def unit(world: World, actor: Actor | None, parts: list[Part], command_id: str) -> None:
    with acting_as(actor):
        await run_together(
            Streams(world.store), world.appender, parts, command_id=command_id,
            metadata=METADATA,
        )


async def test_a_new_stream_of_a_unit_belongs_to_the_owner_of_the_others(world: World) -> None:
    await world.run(ALICE, Create("a"))
    # An admin (or the system) decides a unit over alice's doc and a new one: it is hers.
    await unit(world, ADMIN, [Part(DOC, "1", [Rename("b")]), Part(DOC, "2", [Create("x")])], "u1")
    await unit(world, None, [Part(DOC, "1", [Rename("c")]), Part(DOC, "3", [Create("y")])], "u2")
    assert await world.owners("doc-2") == ["alice"]
    assert await world.owners("doc-3") == ["alice"]
    # Alone, a new stream is its actor's.
    await unit(world, BOB, [Part(DOC, "4", [Create("z")])], "u3")
    assert await world.owners("doc-4") == ["bob"]


async def test_a_unit_touching_another_users_stream_is_refused_whole(world: World) -> None:
    await world.run(ALICE, Create("a"))
    with pytest.raises(NotFound, match=r"^no such doc$"):
        await unit(
            world, BOB, [Part(DOC, "5", [Create("x")]), Part(DOC, "1", [Rename("b")])], "u1"
        )
    with pytest.raises(NotFound, match=r"^doc-1 not found$"):
        await unit(world, BOB, [Part(DOC, "1", [Create("b")])], "u2")
    assert await world.store.read_stream("doc-5") == []
    assert await world.owners() == ["alice"]

"""Ownership in the decider kernel, on both stores: a stream belongs to the actor that made
it, its owner is on every event, and another (non-admin) user finds it as if it did not
exist; an admin and the system pass, and a stream with no owner stays open to all."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import pytest
from videogen_bus.actor import acting_as
from videogen_contracts.envelope import EventMetadata
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.identity import Actor
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.multi_stream import AtomicAppender, Part, run_together

from tests.integration.eventstore.test_multi_stream import (
    World,
    world,  # noqa: F401 (a fixture: both stores)
)

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
class Docs:
    """test_multi_stream's stores (memory and PostgreSQL), with the doc aggregate on them."""

    store: EventStore
    appender: AtomicAppender

    async def run(
        self, actor: Actor | None, command: Create | Rename, key: str = "1",
        aggregate: Aggregate[str, Create | Rename, str | None, DocEvent] = DOC,
        command_id: str | None = None, metadata: EventMetadata = METADATA,
    ) -> CommandAccepted:
        with acting_as(actor):
            return await Streams(self.store).run(
                aggregate, key, command, command_id=command_id or f"{actor}-{command}-{key}",
                metadata=metadata,
            )

    async def owners(self, stream_id: str = "doc-1") -> list[str | None]:
        return [r.metadata.owner for r in await self.store.read_stream(stream_id)]


@pytest.fixture
def docs(world: World) -> Docs:  # noqa: F811 (the fixture imported above)
    return Docs(world.store, world.appender)


async def test_the_creator_owns_the_stream_and_every_later_event_says_so(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"))
    await docs.run(ALICE, Rename("b"))
    await docs.run(None, Rename("c"))  # the system keeps the owner too
    await docs.run(ADMIN, Rename("d"))
    assert await docs.owners() == ["alice", "alice", "alice", "alice"]


async def test_another_user_is_refused_with_the_domains_not_found(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"))
    with pytest.raises(NotFound, match=r"^no such doc$"):
        await docs.run(BOB, Rename("b"))
    # A command that would succeed on a missing stream is still refused, as not found.
    with pytest.raises(NotFound, match=r"^doc-1 not found$"):
        await docs.run(BOB, Create("b"))
    assert await docs.owners() == ["alice"]


async def test_another_user_cannot_replay_the_owners_command(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"), command_id="c-1")
    with pytest.raises(NotFound):
        await docs.run(BOB, Rename("b"), command_id="c-1")


async def test_another_user_reads_the_stream_as_if_it_did_not_exist(docs: Docs) -> None:
    first = await docs.run(ALICE, Create("a"), command_id="c-1")
    streams = Streams(docs.store)
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


async def test_an_admin_acts_on_anyones_stream(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"))
    accepted = await docs.run(ADMIN, Rename("b"))
    assert not accepted.duplicate
    assert await docs.owners() == ["alice", "alice"]


async def test_a_stream_the_system_made_has_no_owner_and_is_open(docs: Docs) -> None:
    await docs.run(None, Create("a"))
    await docs.run(BOB, Rename("b"))
    await docs.run(ALICE, Rename("c"))
    assert await docs.owners() == [None, None, None]


async def test_what_an_admin_creates_is_the_admins(docs: Docs) -> None:
    await docs.run(ADMIN, Create("a"))
    with pytest.raises(NotFound):
        await docs.run(ALICE, Rename("b"))
    assert await docs.owners() == ["root"]


async def test_a_new_stream_is_the_owner_the_service_declares_never_an_old_one(
    docs: Docs,
) -> None:
    # An admin's script for alice's project is alice's, as the script service declares.
    for_alice = EventMetadata(correlation_id="corr-1", owner="alice")
    await docs.run(ADMIN, Create("a"), metadata=for_alice)
    await docs.run(ALICE, Rename("b"))
    # A declaration never moves an existing stream to another owner.
    await docs.run(ADMIN, Rename("c"), metadata=EventMetadata(correlation_id="c", owner="bob"))
    assert await docs.owners() == ["alice", "alice", "alice"]


async def test_a_stream_that_belongs_to_nobody_is_never_stamped(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"), aggregate=SHARED)
    await docs.run(BOB, Rename("b"), aggregate=SHARED)
    assert await docs.owners("shared-1") == [None, None]


async def unit(docs: Docs, actor: Actor | None, parts: list[Part], command_id: str) -> None:
    with acting_as(actor):
        await run_together(
            Streams(docs.store), docs.appender, parts, command_id=command_id,
            metadata=METADATA,
        )


async def test_a_new_stream_of_a_unit_belongs_to_the_owner_of_the_others(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"))
    # An admin (or the system) decides a unit over alice's doc and a new one: it is hers.
    await unit(docs, ADMIN, [Part(DOC, "1", [Rename("b")]), Part(DOC, "2", [Create("x")])], "u1")
    await unit(docs, None, [Part(DOC, "1", [Rename("c")]), Part(DOC, "3", [Create("y")])], "u2")
    assert await docs.owners("doc-2") == ["alice"]
    assert await docs.owners("doc-3") == ["alice"]
    # Alone, a new stream is its actor's.
    await unit(docs, BOB, [Part(DOC, "4", [Create("z")])], "u3")
    assert await docs.owners("doc-4") == ["bob"]


async def test_a_unit_touching_another_users_stream_is_refused_whole(docs: Docs) -> None:
    await docs.run(ALICE, Create("a"))
    with pytest.raises(NotFound, match=r"^no such doc$"):
        await unit(
            docs, BOB, [Part(DOC, "5", [Create("x")]), Part(DOC, "1", [Rename("b")])], "u1"
        )
    with pytest.raises(NotFound, match=r"^doc-1 not found$"):
        await unit(docs, BOB, [Part(DOC, "1", [Create("b")])], "u2")
    assert await docs.store.read_stream("doc-5") == []
    assert await docs.owners() == ["alice"]

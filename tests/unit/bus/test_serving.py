"""The shared rpc table: decoding, field names, domain error codes, queries, wiring checks."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
import pytest
from videogen_bus.headers import CAUSATION, CORRELATION
from videogen_bus.serving import endpoints
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.replies import CommandAccepted, CommandRejected, QueryAnswered


class Rename(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    name: str
    colour: Literal["red", "blue"] = "red"


class Lookup(msgspec.Struct, frozen=True, kw_only=True):
    name: str


class Found(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    length: int


class AlreadyNamed(Conflict):
    """A service's own refinement of a shared error."""


KINDS: dict[str, type[msgspec.Struct]] = {"rename": Rename, "lookup": Lookup}
seen: list[tuple[Any, str, str | None]] = []


async def rename(
    command: Rename, *, correlation_id: str, causation_id: str | None
) -> CommandAccepted:
    if command.name == "taken":
        raise AlreadyNamed("that name is taken")
    seen.append((command, correlation_id, causation_id))
    return CommandAccepted(stream_id="thing-1", stream_version=1, global_position=1)


async def lookup(query: Lookup) -> Found:
    if query.name == "nobody":
        raise NotFound("no such thing")
    return Found(name=query.name, length=len(query.name))


TABLE = endpoints(KINDS, commands={"rename": rename}, queries={"lookup": lookup})
HEADERS = {CORRELATION: "corr-1", CAUSATION: "cause-1"}


async def test_a_command_gets_the_ids_the_headers_carried() -> None:
    reply = await TABLE["rename"](b'{"command_id": "c", "name": "x"}', HEADERS)

    assert reply == CommandAccepted(stream_id="thing-1", stream_version=1, global_position=1)
    assert seen[-1] == (Rename(command_id="c", name="x"), "corr-1", "cause-1")


async def test_a_command_without_a_correlation_id_gets_a_fresh_one() -> None:
    await TABLE["rename"](b'{"command_id": "c", "name": "y"}', {})

    _, correlation_id, causation_id = seen[-1]
    assert correlation_id
    assert causation_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{", None),
        (b'{"name": "x"}', "command_id"),
        (b'{"command_id": "c", "name": 5}', "name"),
    ],
)
async def test_a_body_that_does_not_decode_is_invalid_and_names_the_field(
    body: bytes, field: str | None
) -> None:
    reply = await TABLE["rename"](body, HEADERS)

    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", field)


async def test_a_nul_character_is_invalid_before_it_reaches_the_store() -> None:
    count = len(seen)
    body = msgspec.json.encode({"command_id": "c", "name": "bad\x00name"})
    assert b"\\u0000" in body

    reply = await TABLE["rename"](body, HEADERS)

    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "name")
    assert "U+0000" in reply.message
    assert len(seen) == count


def test_the_nul_finder_names_nested_fields() -> None:
    from videogen_bus.serving import nul_field

    assert nul_field({"a": [{"b": "ok"}, {"b": "x\x00"}]}) == "a[1].b"
    assert nul_field({"a": ["ok"], "n": 1}) is None
    assert nul_field("\x00") == "body"


async def test_a_long_message_is_shortened_but_still_names_the_field() -> None:
    body = msgspec.json.encode({"command_id": "c", "name": "x", "colour": "9" * 100_000})

    reply = await TABLE["rename"](body, HEADERS)

    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "colour")
    assert len(reply.message) <= 301


async def test_a_subclass_of_a_domain_error_is_rejected_with_its_base_code() -> None:
    reply = await TABLE["rename"](b'{"command_id": "c", "name": "taken"}', HEADERS)

    assert reply == CommandRejected(code="conflict", message="that name is taken")


async def test_a_query_is_answered_with_its_own_struct_or_rejected() -> None:
    answered = await TABLE["lookup"](b'{"name": "abc"}', HEADERS)
    missing = await TABLE["lookup"](b'{"name": "nobody"}', HEADERS)

    assert isinstance(answered, QueryAnswered)
    assert msgspec.json.decode(answered.answer, type=Found) == Found(name="abc", length=3)
    assert missing == CommandRejected(code="not_found", message="no such thing")


def test_every_name_of_the_contract_is_served_and_nothing_else() -> None:
    with pytest.raises(ValueError, match="lookup"):
        endpoints(KINDS, commands={"rename": rename})
    with pytest.raises(ValueError, match="rename"):
        endpoints(KINDS, commands={"rename": rename, "lookup": rename}, queries={"lookup": lookup})
    with pytest.raises(ValueError, match="other"):
        endpoints({"rename": Rename}, commands={"rename": rename, "other": rename})

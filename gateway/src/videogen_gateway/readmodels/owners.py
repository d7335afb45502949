"""Who owns each resource (issue 13): recorded by the projector, read by the guard and lists.

Every event whose stream has an owner (`metadata.owner`, stamped by the services' kernel)
files under that owner, in `resource_owners`:
- its stream's key (`project-<uuid>` → `<uuid>`, `manim-session-<uuid>` → `<uuid>`),
- its `metadata.project_id`,
- every id its payload mints or names: a UUID under a field called `id`, `*_id` or `*_ids`
  at any depth (sections and sentences of a script, segments of a timeline, variants of
  an AI edit, jobs of a Manim session...), so a projection added later is covered without
  registering anything.
First owner wins: an id already filed stays with its owner, whatever later names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from videogen_bus.actor import current_actor
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.identity import Actor
from videogen_eventstore.migrations import quote_ident

if TYPE_CHECKING:
    import asyncpg
    from videogen_eventstore.db import Conn

# Ids of the event itself, not of a resource.
_NOT_RESOURCES = frozenset({"command_id", "event_id", "correlation_id", "causation_id"})
_STREAM_KEY = re.compile(r"^[a-z][a-z-]*-([0-9a-fA-F-]{36})$")


def canonical_id(raw: str) -> str | None:
    """A UUID in the one spelling the table holds (lower case, hyphens); None otherwise."""
    try:
        return str(UUID(raw))
    except ValueError:
        return None


def stream_key(stream_id: str) -> str | None:
    """The uuid a stream is named by (`<aggregate>-<uuid>`, every `stream_id_for`)."""
    match = _STREAM_KEY.fullmatch(stream_id)
    return canonical_id(match[1]) if match else None


def _named_ids(value: Any, field: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _named_ids(inner, key)
    elif isinstance(value, list):
        for item in value:
            yield from _named_ids(item, field)
    elif isinstance(value, str) and field not in _NOT_RESOURCES and (
        field == "id" or field.endswith(("_id", "_ids"))
    ):
        found = canonical_id(value)
        if found is not None:
            yield found


def resource_ids(recorded: RecordedEvent) -> list[str]:
    """Every resource id the event files under its owner, sorted (see `record_owners`)."""
    ids = set(_named_ids(msgspec.json.decode(recorded.data)))
    for extra in (stream_key(recorded.stream_id), recorded.metadata.project_id):
        if extra is not None and (found := canonical_id(extra)) is not None:
            ids.add(found)
    return sorted(ids)


async def record_owners(conn: Conn, q: str, recorded: RecordedEvent) -> None:
    """File the event's resources under its owner (inside the projection's transaction).

    The ids go in sorted order: two projectors (two services' streams) may file the same
    project id at once, and inserting in one order everywhere means one waits for the
    other instead of the two deadlocking on each other's rows."""
    owner = recorded.metadata.owner
    if owner is None:
        return  # the system's, or from before issue 13: only an admin sees it
    await conn.execute(
        f"INSERT INTO {q}.resource_owners (resource_id, owner)"
        " SELECT unnest($1::text[]), $2 ON CONFLICT (resource_id) DO NOTHING",
        resource_ids(recorded), owner,
    )


async def owned_of(pool: asyncpg.Pool, schema: str, user: str, ids: Sequence[str]) -> set[str]:
    """Which of `ids` are `user`'s (one query for all of them)."""
    rows = await pool.fetch(
        f"SELECT resource_id FROM {quote_ident(schema)}.resource_owners"
        " WHERE resource_id = ANY($1::text[]) AND owner = $2", sorted(set(ids)), user,
    )
    return {row[0] for row in rows}


def viewer_of(actor: Actor | None) -> str | None:
    """The user whose resources `actor` sees; None (everything) for an admin and for the
    system (nothing bound: an internal caller, or a unit test's app)."""
    return None if actor is None or actor.admin else actor.user


def viewer() -> str | None:
    """The user lists and lookups are filtered for: the acting user's `viewer_of`."""
    return viewer_of(current_actor())


async def sees(pool: asyncpg.Pool, schema: str, user: str | None, resource_id: str) -> bool:
    """Whether `user` (a `viewer_of`) may see the resource."""
    return user is None or resource_id in await owned_of(pool, schema, user, [resource_id])


async def visible(pool: asyncpg.Pool, schema: str, resource_id: str) -> bool:
    """Whether the acting user may see the resource (an id a route read from a body)."""
    return await sees(pool, schema, viewer(), resource_id)


def owned_filter(q: str, column: str, param: int) -> str:
    """SQL that holds when the row's `column` is owned by the user in `$param` (a `viewer()`),
    or that user is None (everyone's rows)."""
    return (
        f"(${param}::text IS NULL OR EXISTS (SELECT 1 FROM {q}.resource_owners o"
        f" WHERE o.resource_id = {column}::text AND o.owner = ${param}::text))"
    )

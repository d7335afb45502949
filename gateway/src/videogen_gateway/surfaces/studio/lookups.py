"""What a studio path names (seed 000): its project, section, sentence or outline, or a 404.

`known_path_ids` is the guard of every studio route that takes a body. Litestar runs guards
before it reads and validates the body, so a request for an unknown id is a 404 even when
its body is empty or invalid: the resource is looked up first, then the body is checked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.outlines.readmodel import OutlineQueries, OutlineRow
from videogen_gateway.readmodels.owners import visible
from videogen_gateway.readmodels.projects.rows import ProjectDetail
from videogen_gateway.readmodels.scripts.queries import ScriptQueries, SectionRow, SentenceRow
from videogen_gateway.runtime import Runtime, runtime_of

Row = TypeVar("Row")


def parse_id(raw: str, what: str) -> UUID:
    """Ids are UUIDs; any other string names nothing that exists."""
    try:
        return UUID(raw)
    except ValueError:
        raise ApiError(404, f"{what} {raw!r} not found") from None


def _found(row: Row | None, what: str, row_id: UUID) -> Row:
    if row is None:
        raise ApiError(404, f"{what} {row_id} not found")
    return row


async def project_detail(rt: Runtime, project_id: UUID) -> ProjectDetail:
    # Another user's project, named in a body, is as unknown as one that does not exist.
    found = await rt.queries.get_project(project_id)
    if found is not None and not await visible(rt.pool, rt.schema, str(project_id)):
        found = None
    return _found(found, "project", project_id)


async def existing_project(rt: Runtime, raw: str) -> UUID:
    project_id = parse_id(raw, "project")
    await project_detail(rt, project_id)
    return project_id


def scripts(rt: Runtime) -> ScriptQueries:
    return ScriptQueries(rt.pool, rt.schema)


def outlines(rt: Runtime) -> OutlineQueries:
    return OutlineQueries(rt.pool, rt.schema)


async def section_of(rt: Runtime, section_id: UUID) -> SectionRow:
    return _found(await scripts(rt).section(section_id), "section", section_id)


async def sentence_of(rt: Runtime, sentence_id: UUID) -> SentenceRow:
    return _found(await scripts(rt).sentence(sentence_id), "sentence", sentence_id)


async def outline_of(rt: Runtime, outline_id: UUID, project_id: UUID | None = None) -> OutlineRow:
    row = await outlines(rt).get(outline_id)
    if row is not None and project_id is not None and row.project_id != project_id:
        row = None  # another project's outline is not found from this one
    return _found(row, "outline", outline_id)


# Path parameter name → what finds it (a 404 if it does not).
Lookups = dict[str, Callable[[Runtime, str], Awaitable[object]]]

_LOOKUPS: Lookups = {
    "project_id": existing_project,
    "section_id": lambda rt, raw: section_of(rt, parse_id(raw, "section")),
    "sentence_id": lambda rt, raw: sentence_of(rt, parse_id(raw, "sentence")),
    "outline_id": lambda rt, raw: outline_of(rt, parse_id(raw, "outline")),
}


def path_ids_guard(lookups: Lookups) -> list[Guard]:
    """A route guard that looks up every path parameter named in `lookups` (a 404 if not
    found), before the body is read."""

    async def known_path_ids(
        connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        rt = runtime_of(connection.app.state)
        for name, raw in connection.path_params.items():
            lookup = lookups.get(name)
            if lookup is not None:
                await lookup(rt, str(raw))

    return [known_path_ids]


known_path_ids: list[Guard] = path_ids_guard(_LOOKUPS)

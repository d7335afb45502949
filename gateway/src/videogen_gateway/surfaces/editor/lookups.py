"""What an editor path names (doc 002): its project or segment, or a 404.

`known_editor_ids` is the guard of every editor route that takes a body. Litestar runs
guards before it reads and validates the body, so a request for an unknown id is a 404
even when its body is empty or invalid: the resource is looked up first, then the body is
checked (as on the studio surface, surfaces/studio/lookups.py).
"""

from __future__ import annotations

from uuid import UUID

from litestar.types import Guard
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.editor.queries import EditorQueries
from videogen_gateway.readmodels.editor.rows import SegmentRow
from videogen_gateway.readmodels.owners import visible
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.studio.lookups import (
    existing_project,
    parse_id,
    path_ids_guard,
)


def editor_queries(rt: Runtime) -> EditorQueries:
    return EditorQueries(rt.pool, rt.schema)


async def segment_of(rt: Runtime, raw: str | UUID) -> SegmentRow:
    """The segment (active or not) of a live project; a 404 otherwise."""
    segment_id = raw if isinstance(raw, UUID) else parse_id(raw, "segment")
    row = await editor_queries(rt).segment(segment_id)
    # Another user's segment, named in a body, is as unknown as one that does not exist.
    if row is None or not await visible(rt.pool, rt.schema, str(segment_id)):
        raise ApiError(404, f"segment {segment_id} not found")
    return row


known_editor_ids: list[Guard] = path_ids_guard(
    {"project_id": existing_project, "segment_id": segment_of}
)

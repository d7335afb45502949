"""Which session and project a doc 003 request is about, and its scene ids.

A low-level call on an existing session belongs to that session's project (read model); a
new session's project is the session id. `generate` without a session gets a new one,
`session_<8 hex>`. Scene ids are `{session}_scene_{n}`, split at the last `_scene_`.
"""

from __future__ import annotations

from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.manim.queries import ManimQueries
from videogen_gateway.readmodels.manim.rows import SessionRow
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.editor.sending import new_id

SCENE_MARK = "_scene_"


def manim_queries(rt: Runtime) -> ManimQueries:
    return ManimQueries(rt.pool, rt.schema)


def new_session_id(command_id: str | None = None) -> str:
    """A new session's id; derived from a retry key, so a retried request names the same."""
    return f"session_{new_id(command_id, 'session').hex[:8]}"


def scene_of(scene_id: str) -> tuple[str, int]:
    """(session id, scene number) of `{session}_scene_{n}`, or a 404 naming `scene_id`."""
    session, mark, number = scene_id.rpartition(SCENE_MARK)
    if not mark or not session or not number.isascii() or not number.isdigit() \
            or int(number) < 1:
        raise ApiError(404, f"scene {scene_id!r} not found: scene ids are"
                       " {session}_scene_{n}", "scene_id")
    return session, int(number)


async def project_of(rt: Runtime, session_id: str) -> str:
    """The project a low-level call on `session_id` belongs to."""
    found = await manim_queries(rt).session(session_id)
    return session_id if found is None else found.project


async def existing_session(rt: Runtime, session_id: str, field: str = "session_id"
                           ) -> SessionRow:
    found = await manim_queries(rt).session(session_id)
    if found is None:
        raise ApiError(404, f"session {session_id!r} not found", field)
    return found

"""Every id in a route's path must belong to the caller: else the route's own 404.

Fail-closed: for a caller who is not an admin, every path parameter is an id unless it is
named in `NOT_IDS`, and every id must be filed under the caller in `resource_owners`
(readmodels/owners.py), all of them checked in one query. Another user's id, an unknown id
and a malformed one all get the same answer: the 404 the route itself gives for an id of
that kind that does not exist (same status, shape and message), so a 404 says nothing
about whether the resource exists. An endpoint added later is covered as it is; if its id
is of a new kind, it gets a generic "not found" until `_KINDS` learns its route's message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from videogen_contracts.identity import Principal
from videogen_contracts.script.manim import manim_project_key

from videogen_gateway.access.route_opts import is_public
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.owners import canonical_id, owned_of
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_gateway.surfaces.text2video.schemas import JOB_NOT_FOUND

# Path parameters that name no resource of anyone's: a provider's name (Aura), a path in
# the OpenAPI viewer (public anyway).
NOT_IDS = frozenset({"name", "path"})


class IdKind(NamedTuple):
    """How a path parameter's value is filed (`resource`, None: it names nothing) and the
    404 its routes give when it names nothing."""

    resource: Callable[[str], str | None]
    not_found: Callable[[str], Exception]


def _described(what: str, missing: str = "not found") -> IdKind:
    """Studio and editor (surfaces/studio/lookups.py): `<what> <uuid> not found`, or the
    raw value quoted when it is not a UUID at all."""
    def not_found(raw: str) -> Exception:
        found = canonical_id(raw)
        return ApiError(404, f"{what} {found} {missing}" if found else
                        f"{what} {raw!r} not found")
    return IdKind(canonical_id, not_found)


def _quoted(what: str) -> IdKind:
    """`<what> '<raw>' not found`, whatever the value (editor exports and AI jobs, Manim)."""
    return IdKind(canonical_id, lambda raw: ApiError(404, f"{what} {raw!r} not found"))


def _under(prefix: str, shown: Callable[[str], str]) -> IdKind:
    """A blob key `<prefix>/<uuid>/...`: the uuid's owner owns the file (a project's
    frames, a Manim session's videos)."""
    pattern = re.compile(rf"^{prefix}/([0-9a-f-]{{36}})/")

    def resource(raw: str) -> str | None:
        match = pattern.match(raw.lstrip("/"))
        return canonical_id(match[1]) if match else None
    return IdKind(resource, lambda raw: ApiError(404, shown(raw.lstrip("/"))))


_AURA_JOB = IdKind(canonical_id, lambda raw: SystemProblem(404, f"Job {raw} not found"))
_TEXT2VIDEO_JOB = IdKind(canonical_id, lambda _: ApiError(404, JOB_NOT_FOUND))
# Doc 003's free-form project names its feed by its subject key (`metadata.project_id`).
_MANIM_PROJECT = IdKind(lambda raw: str(manim_project_key(raw)),
                        lambda raw: ApiError(404, f"project {raw!r} not found"))
_GENERIC = IdKind(lambda raw: canonical_id(raw) or raw, lambda _: ApiError(404, "not found"))

# The same parameter name means another kind of id on another surface: the first prefix
# of the request's path that matches says which.
_BY_PATH: tuple[tuple[str, dict[str, IdKind]], ...] = (
    ("/api/jobs/", {"job_id": _AURA_JOB}),
    ("/api/v1/status/", {"job_id": _TEXT2VIDEO_JOB}),
    ("/api/v1/download/", {"job_id": _TEXT2VIDEO_JOB}),
    ("/api/v1/jobs/", {"job_id": _TEXT2VIDEO_JOB}),
    ("/api/v1/video/agents/", {"job_id": _quoted("job")}),
    ("/api/v1/video-generation/", {"task_id": _quoted("task"), "project_id": _MANIM_PROJECT}),
    ("/api/v1/video/files/", {"key": _under("manim", lambda key: f"file {key[:200]!r} not found")}),
    ("/api/editor/files/", {"key": _under("editor", lambda key: f"file {key!r} not found")}),
    ("/api/job/", {"job_id": _quoted("job")}),
    ("/api/export/", {"export_job_id": _quoted("export")}),
)
_KINDS: dict[str, IdKind] = {
    # the project domain's words for a character it does not know
    "character_id": _described("character", "is not in the cast"),
    **{name: _described(what) for name, what in (
        ("project_id", "project"), ("outline_id", "outline"),
        ("section_id", "section"), ("sentence_id", "sentence"), ("asset_id", "asset"),
        ("segment_id", "segment"), ("variant_id", "variant"),
    )},
}


def id_kind(path: str, name: str) -> IdKind:
    for prefix, kinds in _BY_PATH:
        if path.startswith(prefix) and name in kinds:
            return kinds[name]
    return _KINDS.get(name, _GENERIC)


async def require_owned(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise the route's 404 (in its surface's shape) unless every id in the path is the
    caller's. An admin, and a public route, pass."""
    if principal.admin or is_public(handler.opt):
        return
    path = connection.scope["path"]
    named = [(str(raw), id_kind(path, name)) for name, raw in connection.path_params.items()
             if name not in NOT_IDS]
    if not named:
        return
    resources: list[str] = []
    for raw, kind in named:
        resource = kind.resource(raw)
        if resource is None:
            raise kind.not_found(raw)
        resources.append(resource)
    rt = runtime_of(connection.app.state)
    owned = await owned_of(rt.pool, rt.schema, principal.id, resources)
    # The first id that is not the caller's, in path order: the one the route's own
    # lookups would have found missing.
    for (raw, kind), resource in zip(named, resources, strict=True):
        if resource not in owned:
            raise kind.not_found(raw)

"""The editor's AI status (doc 002): `GET /api/ai/health` and `GET /api/ai/timeline`.

- health: every AI provider with a real check (ai_health.py), as
  `{providers: [{name, kind, available, mode, latency_ms, detail}]}`; always 200 (a
  provider that is down is an entry saying so, not an error).
- timeline: the recent AI operations (generate, accept, score, script writing), newest
  first, read from the events by the `ai_timeline` read model; pages of `limit` (1..100,
  default 20), the next one asked with `cursor` = the `next_cursor` given (null at the end).
  There is one local user (see /api/me), so the timeline is everyone's; a deleted
  project's operations leave it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get
from litestar.datastructures import State
from litestar.params import Parameter
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import problems
from videogen_gateway.readmodels.ai_timeline.queries import (
    AiOperationRow,
    AiTimelineQueries,
    BadCursor,
)
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.aura.system_routes import effective_provider_config
from videogen_gateway.surfaces.editor.ai_health import AiProviderHealth, ai_providers
from videogen_gateway.surfaces.manim.availability import manim_check
from videogen_gateway.system.context import system_of

DEFAULT_PAGE = 20
MAX_PAGE = 100

# Bounds Litestar checks (a 400 naming the parameter) and /schema states.
PageSize = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description=f"1..{MAX_PAGE}")]
Cursor = Annotated[str | None, Parameter(
    pattern=r"^[A-Za-z0-9_-]+$", max_length=1000,
    description="the next_cursor of the page before (one this listing gave)")]


class AiHealthOut(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    providers: list[AiProviderHealth]


class AiTimelineOut(msgspec.Struct, frozen=True, kw_only=True):
    # Each row as stored: {id, kind, project_id, job_id, variant_id, status, summary,
    # provider, error, at, updated_at}.
    operations: list[AiOperationRow]
    limit: int
    next_cursor: str | None


@get("/health", summary="Every AI provider: available, offline or hosted, its check's latency",
     cache=False)  # fmt: skip
async def ai_health(state: State) -> AiHealthOut:
    config = await effective_provider_config(state)
    providers = await ai_providers(config, system_of(state).prober,
                                   manim_check(runtime_of(state).dispatcher))
    # Usable when each kind has at least one provider that answers (offline ones always do);
    # the hosted video model and Manim are optional (without Manim only doc 003 is down).
    kinds = {p.kind for p in providers}
    ok = all(any(p.available for p in providers if p.kind == k)
             for k in kinds - {"video-model", "renderer"})  # fmt: skip
    return AiHealthOut(status="ok" if ok else "degraded", providers=providers)


@get("/timeline", summary="The recent AI operations, newest first, a page at a time",
     responses=problems(400, 503), cache=False)  # fmt: skip
async def ai_timeline(
    state: State, limit: PageSize = DEFAULT_PAGE, cursor: Cursor = None
) -> AiTimelineOut:
    rt = runtime_of(state)
    try:
        rows, after = await AiTimelineQueries(rt.pool, rt.schema).page(limit, cursor)
    except BadCursor:
        raise ApiError(400, "cursor is not one this listing gave", "cursor") from None
    return AiTimelineOut(operations=rows, limit=limit,
                         next_cursor=after)  # fmt: skip


def ai_status_router() -> Router:
    return Router("/api/ai", route_handlers=[ai_health, ai_timeline], tags=["editor"])

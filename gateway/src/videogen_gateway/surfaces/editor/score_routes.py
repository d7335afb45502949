"""Doc 002's `GET /api/variant/{variant_id}/score?compare_to=prompt|original`.

`compare_to` is `prompt` (the default) or `original`; anything else is a 400 naming it.
An unknown variant, or one whose project was deleted, is a 404; a variant not rendered yet
is a 409 (the media service says why). A variant is measured once per basis: the score
request's command id is derived from the variant and the basis, so a repeat (or a retry
while the first is measuring) is the same command, answered with the recorded score; the
read model's newest score for that basis is served when there is one, without asking.
The measuring (decoding frames, maybe a vision model) takes seconds: the request waits
for it, up to `SCORE_WAIT`.
"""

from __future__ import annotations

from typing import get_args
from uuid import UUID

import msgspec
from litestar import Router, get
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from videogen_contracts.media.ai_edits import ScoreBasis, ScoreVariant, VariantScore
from videogen_contracts.media.events import SERVICE
from videogen_gateway.command_client import CommandRefused, new_ids
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import problems
from videogen_gateway.readmodels.ai_edits.queries import AiEditQueries, AiVariantRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.ai_routes import ai_edits
from videogen_gateway.surfaces.editor.sending import rejected
from videogen_gateway.surfaces.editor.variant_routes import variant_of
from videogen_gateway.system.settings_client import selected_providers

# Decoding a few frames of two clips, then perhaps a vision model's answer (retried).
SCORE_WAIT = 120.0
BASES: tuple[str, ...] = get_args(ScoreBasis)


class ScoreOut(msgspec.Struct, frozen=True, kw_only=True):
    variant_id: str
    score: VariantScore


def _basis(raw: str) -> ScoreBasis:
    if raw not in BASES:
        raise ApiError(400, f"compare_to must be one of {', '.join(BASES)}, not {raw[:40]!r}",
                       "compare_to")  # fmt: skip
    return raw  # type: ignore[return-value]


async def _recorded(queries: AiEditQueries, variant_id: UUID, basis: str) -> VariantScore | None:
    newest = next((s for s in await queries.scores_of(variant_id) if s.compare_to == basis), None)
    return newest.score if newest else None


async def _measure(rt: Runtime, row: AiVariantRow, basis: ScoreBasis) -> None:
    _, now = new_ids()
    command = ScoreVariant(
        command_id=f"editor/score/{row.id}/{basis}", now=now, project_id=row.project_id,
        job_id=row.job_id, variant_id=row.id, compare_to=basis,
        scorer=(await selected_providers(rt.dispatcher)).scorer,
    )
    try:
        await rt.dispatcher.send_and_wait(SERVICE, "score_variant", command,
                                          attempt_timeout=SCORE_WAIT)  # fmt: skip
    except CommandRefused as refused:
        raise rejected(refused.rejection, {}) from None


@get(
    "/{variant_id:str}/score", summary="Score a variant against the prompt or the original",
    responses=problems(400, 404, 409, 503),
)  # fmt: skip
async def variant_score(
    state: State, variant_id: FromPath[str], compare_to: FromQuery[str] = "prompt"
) -> ScoreOut:
    rt = runtime_of(state)
    queries = ai_edits(rt)
    row = await variant_of(rt, variant_id)
    if await queries.project_deleted(row.project_id):
        raise ApiError(404, f"variant {row.id} not found")
    basis = _basis(compare_to)
    score = await _recorded(queries, row.id, basis)
    if score is None:
        await _measure(rt, row, basis)
        score = await _recorded(queries, row.id, basis)
    if score is None:  # recorded, but the read model lost it since (a rebuild): try again
        raise ApiError(503, f"the score of variant {row.id} is not readable yet")
    return ScoreOut(variant_id=str(row.id), score=score)


def score_router() -> Router:
    return Router("/api/variant", route_handlers=[variant_score], tags=["editor"])

"""Doc 002's AI region edits: start a job, follow it, serve its variants.

`POST /api/ai/generate` resolves everything the job needs before it is recorded: the
project (404 before any other check), the range on one segment's source and the box in its
pixels (ai_ranges.py), the prompt parsed into an operation (a prompt the offline editor
cannot map is a 422 that lists what it understands), and each variant's parameters,
deterministic for a seed (default: derived from the prompt and the input, so the same
request gives the same variants). It answers 202 once the job is in the read model; the
media service's AI worker renders the variants and reports them as events.

A client may send `Idempotency-Key`: a retry with the same key is the same job.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_contracts.media.ai_edits import (
    DEFAULT_VARIANTS,
    RequestAiEdit,
    VariantSpec,
)
from videogen_contracts.project.settings import VideoGenProvider
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import stamped
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, id_link, json_schema, problems
from videogen_gateway.readmodels.ai_edits.queries import AiEditQueries, AiVariantRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.ai_ranges import SourceRange, pixel_box, source_range
from videogen_gateway.surfaces.editor.ai_schemas import (
    GenerateBody,
    GenerateOut,
    JobOut,
    VariantOut,
)
from videogen_gateway.surfaces.editor.bodies import strict_body
from videogen_gateway.surfaces.editor.export_schemas import project_id_of
from videogen_gateway.surfaces.editor.lookups import editor_queries
from videogen_gateway.surfaces.editor.preview_routes import playing
from videogen_gateway.surfaces.editor.sending import RetryKey, new_id, retry_key, send_media
from videogen_gateway.surfaces.studio.lookups import existing_project, parse_id
from videogen_gateway.system.settings_client import selected_providers
from videogen_providers.config import ProviderConfig
from videogen_providers.video.selection import OFFLINE, variant_provider
from videogen_text.region_prompts import PromptNotUnderstood, parse_prompt, variant_specs

JOB_ID = "$response.body#/job_id"
# Room for a prompt far over MAX_PROMPT_CHARS, so it is a 400 naming `prompt` rather than
# the server's anonymous 413; a body past this is that 413.
GENERATE_MAX_BODY = 8 * 1024 * 1024


def ai_edits(rt: Runtime) -> AiEditQueries:
    return AiEditQueries(rt.pool, rt.schema)


def variant_urls(variant_id: UUID) -> tuple[str, str]:
    return f"/api/variant/{variant_id}/media", f"/api/variant/{variant_id}/preview.jpg"


async def _frame_size(rt: Runtime, where: SourceRange) -> tuple[int, int]:
    asset = await editor_queries(rt).asset(where.segment.asset_id)
    video = next((s for s in asset.streams if s.kind == "video"), None) if asset else None
    if video is None or not video.width or not video.height:
        raise ApiError(400, "the range has no video to edit (the clip is audio only)",
                       "start_ts")
    return video.width, video.height


def _seed(body: GenerateBody, project_id: UUID) -> int:
    """The request's seed, or one derived from the prompt and the input (stable)."""
    if body.seed is not None:
        return body.seed
    box = body.bounding_box
    what = (f"{project_id}|{body.prompt.strip()}|{body.start_ts!r}|{body.end_ts!r}|"
            f"{box.x!r},{box.y!r},{box.width!r},{box.height!r}")
    return int.from_bytes(hashlib.sha256(what.encode()).digest()[:6], "big")


def _specs(body: GenerateBody, seed: int, job_id: UUID) -> tuple[Any, list[VariantSpec]]:
    prompt = body.prompt.strip()
    if not prompt:
        raise ApiError(400, "prompt: say what to change in the box", "prompt")
    try:
        edit = parse_prompt(prompt)
    except PromptNotUnderstood as unknown:
        raise ApiError(422, f"prompt: {unknown.reason}. The editor understands: "
                            + "; ".join(unknown.understood), "prompt") from None
    return edit, variant_specs(edit, body.variants or DEFAULT_VARIANTS, seed, job_id=job_id)


def _rendered_by(
    specs: list[VariantSpec], config: ProviderConfig, selected: VideoGenProvider
) -> list[VariantSpec]:
    """Offline unless the settings select the hosted video model (`providers.videoGen`),
    which the environment configures (docs/editor/ai.md#providers)."""
    if selected != "openai-video":
        return specs
    provider = variant_provider(config)
    if provider == OFFLINE:
        raise ApiError(409, "the settings select the hosted video model (providers.videoGen ="
                       " openai-video) but none is configured (VIDEOGEN_VIDEO_MODEL); select"
                       " ffmpeg-effects or configure it")
    return [msgspec.structs.replace(
        spec, provider=provider,
        labels=[provider, *(label for label in spec.labels if label != OFFLINE),
                f"model {config.video_model}"],
    ) for spec in specs]


@post(
    "/ai/generate", status_code=202, summary="Start an AI region edit: variants of a prompt"
    " applied to a box and a time range", responses=problems(400, 404, 413, 422, 503),
    request_max_body_size=GENERATE_MAX_BODY, opt=costly("ai_edit"),
    operation_class=described(at=202, body=json_schema(GenerateBody), links={
        "status": id_link("EditorAiJob", job_id=JOB_ID),
    }),
)  # fmt: skip
async def generate(
    request: Request[Any, Any, Any], state: State, idempotency_key: RetryKey = None
) -> GenerateOut:
    rt = runtime_of(state)
    raw_project, _ = project_id_of(await request.body())
    project_id = await existing_project(rt, raw_project)  # 404 before the body's 400s
    body = await strict_body(request, GenerateBody)
    where = source_range(await playing(rt, project_id), body)
    box = pixel_box(body.bounding_box, *await _frame_size(rt, where))
    command_id = retry_key(idempotency_key, f"ai-generate/{project_id}")
    job_id = new_id(command_id, "job")
    seed = _seed(body, project_id)
    edit, specs = _specs(body, seed, job_id)
    specs = _rendered_by(
        specs, rt.options.providers, (await selected_providers(rt.dispatcher)).video_gen
    )
    command = stamped(
        RequestAiEdit, command_id, job_id=job_id, project_id=project_id, prompt=body.prompt,
        edit=edit, start_ts=body.start_ts, end_ts=body.end_ts, segment_id=where.segment.id,
        media_key=where.segment.media_key, source_start_ts=where.source_start_ts,
        source_end_ts=where.source_end_ts, box=box, seed=seed, variants=specs,
    )
    await send_media(rt, "request_ai_edit", command, {"box": "bounding_box"})
    return GenerateOut(job_id=str(job_id))


def variant_out(row: AiVariantRow) -> VariantOut:
    url, preview_url = variant_urls(row.id)
    return VariantOut(id=str(row.id), url=url, preview_url=preview_url,
                      index=row.variant_index, description=row.description,
                      labels=row.labels, duration_s=row.duration_s or 0.0)


@get("/job/{job_id:str}", summary="An AI job's status and its variants so far",
     operation_id="EditorAiJob", responses=problems(404, 503))
async def job_status(state: State, job_id: FromPath[str]) -> JobOut:
    rt = runtime_of(state)
    queries = ai_edits(rt)
    job = await queries.job(parse_id(job_id, "job"))
    if job is None:
        raise ApiError(404, f"job {job_id!r} not found")
    rendered = [v for v in await queries.variants_of(job.id) if v.video_key is not None]
    return JobOut(id=str(job.id), project_id=str(job.project_id), status=job.status,
                  error=job.error, variants=[variant_out(v) for v in rendered],
                  prompt=job.prompt, start_ts=job.start_ts, end_ts=job.end_ts, seed=job.seed)


def ai_router() -> Router:
    return Router("/api", route_handlers=[generate, job_status], tags=["editor"])


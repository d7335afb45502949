"""Doc 004's shapes and rules: request validation, job views, byte ranges.

Pure functions, no I/O, so the surface stays translation only and every documented error
string lives here, word for word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_contracts.media.events import CaptionOptions, SoundOptions, VisualStyle
from videogen_contracts.project.production import RenderSettings
from videogen_gateway.errors import ApiError
from videogen_gateway.presentation import (
    DEFAULT_STYLE,
    CaptionsBody,
    SoundBody,
    SoundRequest,
    caption_options,
    named_style,
    sound_request,
)
from videogen_gateway.readmodels.productions.readmodel import ProductionRow

NO_TEXT = "No text provided in request body"
JOB_NOT_FOUND = "Job not found"
NOT_READY = "Video not ready for download"
FILE_NOT_FOUND = "Video file not found"
STARTED = "Video generation started"
REPORT_NOT_READY = "Quality report not ready"
CAPTIONS_NOT_READY = "Captions not ready"
# VideoGen's own (docs/jobs-api.md): the job routes that doc 004 does not have.
ALREADY_ENDED = "Job already finished"
NOT_RETRYABLE = "Only a failed or cancelled job can be retried"

Aspect = Literal["16:9", "9:16", "1:1"]
ASPECTS: tuple[str, ...] = get_args(Aspect)
# The frame of each aspect at the default 720p (RenderSettings' 1280x720 for 16:9).
_FRAMES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)}

# The doc's progress stages; the status shows the last one the job has reached (the
# render's finer progress, 90..99, is in the message).
PROGRESS_STAGES = (0, 20, 40, 60, 80, 90, 100)


class GenerateBody(msgspec.Struct, frozen=True, kw_only=True):
    """The body of POST /generate, for the OpenAPI only: `text_of` reads the body itself, so
    that whatever is wrong with it gets the doc's own 400 string."""

    text: Annotated[str, Meta(
        min_length=1, pattern=r"\S",
        description="The text to narrate: some letters or digits, in any script; longer"
        " than the gateway's limit (VIDEOGEN_TEXT2VIDEO_MAX_CHARS, 100,000 by default) is a"
        " 413",
    )]
    aspect: Aspect | None = None
    voice: Annotated[str, Meta(
        description="a voice name that GET /api/providers/tts/voices lists; none: the default"
    )] | None = None
    style: Annotated[VisualStyle, Meta(
        description="the video's look: its palette, type, motion, transitions and caption"
        " defaults (none: clean)",
    )] | None = None
    captions: CaptionsBody | None = None
    sound: SoundBody | None = None


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """What POST /generate asks besides the text (all optional)."""

    aspect: str | None = None
    voice: str | None = None
    style: VisualStyle = DEFAULT_STYLE
    captions: CaptionOptions = field(default_factory=CaptionOptions)
    sound: SoundRequest = field(default_factory=lambda: SoundRequest(SoundOptions()))


def render_for(aspect: str | None) -> RenderSettings:
    """The default render settings, framed for the aspect (None, or one we do not know:
    16:9)."""
    if aspect not in _FRAMES:
        return RenderSettings()
    width, height = _FRAMES[aspect]
    return RenderSettings(width=width, height=height, aspect=aspect)  # type: ignore[arg-type]


class GenerateAccepted(msgspec.Struct, frozen=True, kw_only=True):
    job_id: str
    status: str = "queued"
    message: str = STARTED


class JobStatus(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    progress: int
    message: str
    created_at: int
    logs: list[str]
    # VideoGen's own, additive (docs/jobs-api.md): the production's stage (one of the SSE
    # feed's), the studio project it renders, and its kind ("text2video" or "project").
    stage: str | None = None
    project_id: str | None = None
    kind: str | None = None
    # The finished video's quality report (GET /api/v1/jobs/{id}/report); null until then.
    quality: dict[str, Any] | None = None


class JobSummary(JobStatus, frozen=True, kw_only=True, omit_defaults=True):
    output_file: str | None = None


class JobControl(msgspec.Struct, frozen=True, kw_only=True):
    """The answer of POST /jobs/{id}/cancel (status "cancelling") and /retry ("queued")."""

    job_id: str
    status: str


class JobList(msgspec.Struct, frozen=True, kw_only=True):
    jobs: dict[str, JobSummary]


def text_of(body: bytes, limit: int) -> str:
    """The text to narrate, or the documented 400 (or a 413 naming the limit)."""
    return generate_request(body, limit)[0]


def generate_request(body: bytes, limit: int) -> tuple[str, GenerateOptions]:
    """The text (checked as `text_of` says) and the options, or a 400 naming the field."""
    try:
        payload: Any = msgspec.json.decode(body) if body.strip() else None
    except msgspec.DecodeError:
        # Malformed JSON gets the documented string too: doc 004 clients read `error`.
        raise ApiError(400, NO_TEXT) from None
    if not isinstance(payload, dict):
        raise ApiError(400, NO_TEXT, field="text")
    return _checked_text(payload.get("text"), limit), _options_of(payload)


def _options_of(payload: dict[str, Any]) -> GenerateOptions:
    aspect, voice, style = (payload.get(name) for name in ("aspect", "voice", "style"))
    if aspect is not None and aspect not in ASPECTS:
        shown = ", ".join(f'"{a}"' for a in ASPECTS)
        raise ApiError(400, f"aspect must be one of {shown}", field="aspect")
    if voice is not None and (not isinstance(voice, str) or not voice.strip()):
        raise ApiError(400, "voice must be a voice name (GET /api/providers/tts/voices lists"
                       " them)", field="voice")
    return GenerateOptions(
        aspect=aspect, voice=voice.strip() if voice else None, style=named_style(style),
        captions=caption_options(payload.get("captions")),
        sound=sound_request(payload.get("sound")),
    )


def _checked_text(text: object, limit: int) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, NO_TEXT, field="text")
    if len(text) > limit:
        raise ApiError(413, f"Text is too long: at most {limit} characters are allowed, got"
                       f" {len(text)}", field="text")
    if not speakable(text):
        raise ApiError(400, "Text has nothing to narrate: it must contain letters or digits,"
                       " not only punctuation, symbols or emoji", field="text")
    return text


def speakable(text: str) -> bool:
    """Some letter or digit, in any script (CJK, Arabic, ... count; emoji do not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def job_id_of(raw: str) -> UUID:
    """Job ids are UUIDs; any other string names no job."""
    try:
        return UUID(raw)
    except ValueError:
        raise ApiError(404, JOB_NOT_FOUND) from None


def shown_progress(progress: int) -> int:
    return max(stage for stage in PROGRESS_STAGES if stage <= max(0, progress))


def download_name(job_id: UUID) -> str:
    return f"generated_video_{job_id}.mp4"


def job_status(row: ProductionRow, quality: dict[str, Any] | None = None) -> JobStatus:
    return JobStatus(
        status=row.status, progress=shown_progress(row.progress), message=row.message,
        created_at=int(row.created_at.timestamp()), logs=list(row.logs), stage=row.stage,
        project_id=str(row.project_id), kind=row.kind, quality=quality,
    )


def job_summary(row: ProductionRow) -> JobSummary:
    output = f"output/video_{row.id}.mp4" if row.status == "completed" else None
    return JobSummary(**msgspec.structs.asdict(job_status(row)), output_file=output)

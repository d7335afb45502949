"""Doc 004's shapes and rules: request validation, job views, byte ranges.

Pure functions, no I/O, so the surface stays translation only and every documented error
string lives here, word for word.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.productions.readmodel import ProductionRow

NO_TEXT = "No text provided in request body"
JOB_NOT_FOUND = "Job not found"
NOT_READY = "Video not ready for download"
FILE_NOT_FOUND = "Video file not found"
STARTED = "Video generation started"

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


class JobSummary(JobStatus, frozen=True, kw_only=True, omit_defaults=True):
    output_file: str | None = None


class JobList(msgspec.Struct, frozen=True, kw_only=True):
    jobs: dict[str, JobSummary]


def text_of(body: bytes, limit: int) -> str:
    """The text to narrate, or the documented 400 (or a 413 naming the limit)."""
    try:
        payload: Any = msgspec.json.decode(body) if body.strip() else None
    except msgspec.DecodeError:
        # Malformed JSON gets the documented string too: doc 004 clients read `error`.
        raise ApiError(400, NO_TEXT) from None
    text = payload.get("text") if isinstance(payload, dict) else None
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


def job_status(row: ProductionRow) -> JobStatus:
    return JobStatus(
        status=row.status, progress=shown_progress(row.progress), message=row.message,
        created_at=int(row.created_at.timestamp()), logs=list(row.logs),
    )


def job_summary(row: ProductionRow) -> JobSummary:
    output = f"output/video_{row.id}.mp4" if row.status == "completed" else None
    return JobSummary(**msgspec.structs.asdict(job_status(row)), output_file=output)

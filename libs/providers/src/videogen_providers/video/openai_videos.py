"""An OpenAI-compatible video generation API as a VideoModel.

`POST {base}/videos` creates a generation, `GET {base}/videos/{id}` is polled until it is
`completed` or `failed`, and `GET {base}/videos/{id}/content` downloads the mp4 (the field
names are OpenAI's: `model, prompt, seconds, size, input_reference`; a video object's `id,
status, progress, error`). Works with any server that speaks it (`base_url`).

Every wait is bounded, so a variant fails with a reason and never hangs: one request by
`request_timeout`, the whole generation by `max_wait`. 429 and 5xx answers and transport
failures are retried with backoff, honouring `Retry-After` (llm/retry.py's policy: a server
asking for longer than the policy allows is unavailable now). Creating again after a 5xx
may start a second generation at the vendor; that costs money but never changes our
result, since only the one whose id we hold is downloaded.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
from pathlib import Path
from typing import Any, Literal

import httpx
import msgspec
import structlog

from videogen_providers.llm.retry import RetryPolicy, is_retryable_status, retry_after_seconds
from videogen_providers.tts.openai_speech import OPENAI_API
from videogen_providers.vendor_errors import (
    VendorError,
    VendorNotConfigured,
    VendorUnavailable,
    raise_for_vendor_status,
)
from videogen_providers.video.model import GeneratedVideo, VideoGenerationFailed, VideoRequest

VENDOR = "OpenAI video"
NAME = "openai-video"
# What OpenAI offers; a clip is asked for at the nearest and cut or scaled to fit.
OFFERED_SECONDS = (4, 8, 12)
LANDSCAPE, PORTRAIT = "1280x720", "720x1280"
log = structlog.get_logger("videogen_providers.video.openai")


class VideoClientLimits(msgspec.Struct, frozen=True, kw_only=True):
    request_timeout: float = 30.0
    poll_interval: float = 2.0
    # The whole generation, create to download.
    max_wait: float = 600.0
    retry: RetryPolicy = RetryPolicy()


class _VideoError(msgspec.Struct, frozen=True):
    code: str | None = None
    message: str | None = None


class _VideoJob(msgspec.Struct, frozen=True):
    id: str
    status: Literal["queued", "in_progress", "completed", "failed"]
    progress: int | None = None
    error: _VideoError | None = None


def offered_seconds(wanted: float) -> str:
    """The shortest offered length that covers `wanted` (the longest if none does)."""
    return str(next((s for s in OFFERED_SECONDS if s >= wanted), OFFERED_SECONDS[-1]))


def offered_size(width: int, height: int) -> str:
    return LANDSCAPE if width >= height else PORTRAIT


def _is_mp4(head: bytes) -> bool:
    # An ISO media file starts with a box whose type is `ftyp`.
    return len(head) >= 8 and head[4:8] == b"ftyp"


class OpenAIVideoModel:
    name = NAME

    def __init__(
        self, api_key: str | None, *, model: str, base_url: str = OPENAI_API,
        limits: VideoClientLimits | None = None, rng: random.Random | None = None,
    ) -> None:
        if not api_key and base_url.rstrip("/") == OPENAI_API:
            raise VendorNotConfigured(VENDOR, "no API key: set VIDEOGEN_VIDEO_API_KEY")
        self.model = model
        self.limits = limits or VideoClientLimits()
        self.rng = rng or random.Random()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, timeout=self.limits.request_timeout,
        )

    async def generate(self, request: VideoRequest, out: Path) -> GeneratedVideo:
        try:
            async with asyncio.timeout(self.limits.max_wait):
                job = await self._create(request)
                log.info("video.created", vendor_id=job.id, model=self.model)
                job = await self._until_done(job)
                await self._download(job.id, out)
        except TimeoutError as exc:
            raise VendorUnavailable(
                VENDOR, f"no video within {self.limits.max_wait:g} s"
            ) from exc
        return GeneratedVideo(path=out, vendor_id=job.id, model=self.model)

    async def _create(self, request: VideoRequest) -> _VideoJob:
        body: dict[str, Any] = {
            "model": self.model, "prompt": request.prompt,
            "seconds": offered_seconds(request.seconds),
            "size": offered_size(request.width, request.height),
        }
        if request.reference_jpeg is not None:
            data = base64.b64encode(request.reference_jpeg).decode()
            body["input_reference"] = {"image_url": f"data:image/jpeg;base64,{data}"}
        return _job_of(await self._send("POST", "/videos", json=body))

    async def _until_done(self, job: _VideoJob) -> _VideoJob:
        while job.status in ("queued", "in_progress"):
            await asyncio.sleep(self.limits.poll_interval)
            job = _job_of(await self._send("GET", f"/videos/{job.id}"))
        if job.status == "failed":
            reason = job.error.message if job.error and job.error.message else "no reason given"
            raise VideoGenerationFailed(VENDOR, f"generation {job.id} failed: {reason}")
        return job

    async def _download(self, vendor_id: str, out: Path) -> None:
        response = await self._send("GET", f"/videos/{vendor_id}/content")
        if not _is_mp4(response.content[:8]):
            raise VideoGenerationFailed(VENDOR, f"the content of {vendor_id} is not an mp4")
        await asyncio.to_thread(_write_atomically, out, response.content)

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried while the vendor is overloaded, down or unreachable."""
        policy = self.limits.retry
        for attempt in range(1, policy.max_attempts + 1):
            try:
                response = await self.http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                failure = VendorUnavailable(VENDOR, f"{method} {path} failed: {exc!r}")
                retry_after = None
            else:
                if response.status_code < 400:
                    return response
                failure = _failure_of(response)
                retry_after = retry_after_seconds(response.headers)
            delay = policy.delay(attempt, retry_after, self.rng)
            if attempt == policy.max_attempts or delay is None:
                raise failure
            log.info("video.retry", path=path, attempt=attempt, delay=round(delay, 2),
                     error=str(failure))
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def aclose(self) -> None:
        await self.http.aclose()


def _failure_of(response: httpx.Response) -> VendorUnavailable:
    """The typed error of a non-2xx answer: raised at once unless it is worth a retry."""
    try:
        raise_for_vendor_status(VENDOR, response)
    except VendorUnavailable as unavailable:
        return unavailable
    except VendorError:
        if not is_retryable_status(response.status_code):
            raise
    # 408/409: rejected as such by raise_for_vendor_status, yet worth another try.
    return VendorUnavailable(VENDOR, "asked to try again", response.status_code)


def _job_of(response: httpx.Response) -> _VideoJob:
    try:
        return msgspec.json.decode(response.content, type=_VideoJob)
    except msgspec.DecodeError as exc:
        raise VideoGenerationFailed(
            VENDOR, f"malformed video object: {str(exc)[:200]}", response.status_code
        ) from exc


def _write_atomically(out: Path, content: bytes) -> None:
    tmp = out.with_name(f".tmp-{os.getpid()}-{out.name}")
    tmp.write_bytes(content)
    tmp.replace(out)

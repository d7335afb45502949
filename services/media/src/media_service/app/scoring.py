"""Scoring a variant (`score_variant`): measure it, then record the score on its AiEdit.

The measure is outside the decider: frames are decoded and compared in a worker thread (at
most `measure_threads` at once; the event loop only waits), then `RecordVariantScore` is
decided on the job's stream like any other step (`VariantScored`: the AI timeline lists it).

- Offline (`videogen_media.scoring`) always measures: it is what the score stands on.
- A vision model, when one is configured (`vision_settings`), is then shown the original
  frame and the variant's (the middle of the range), the box and the measured figures, and
  its ratings are the score. If it fails (down, rate limited, refusing, answering
  nonsense), the measured score is recorded instead, its details saying so, rather than
  the request failing: the figures are an honest answer.

Idempotency: a request's `command_id` is checked before measuring, so a resend costs a
stream read, not a decode (and one that arrives while the first measures awaits it); the
gateway derives it from the variant and the basis, so a variant is measured once per basis.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import structlog
from videogen_contracts.errors import NotFound
from videogen_contracts.media.ai_edits import (
    AiEditRequested,
    Box,
    RenderedVariant,
    ScoreVariant,
    VariantScore,
)
from videogen_contracts.replies import CommandAccepted
from videogen_media.blobs import LocalBlobStore
from videogen_media.frames import grab_jpeg, scaled_size, video_facts
from videogen_media.scoring import Measurement, score_variant
from videogen_providers.vendor_errors import VendorError
from videogen_providers.vision.base import VisionRequest, VisionScorer

from media_service.app.ai_edits import AI_EDIT, AiEditHandlers
from media_service.domain.ai_commands import RecordVariantScore
from media_service.domain.ai_edit import rendered_variant

log = structlog.get_logger("media_service.scoring")
OFFLINE = "offline"
VISION_FRAME_WIDTH = 1024


def effect_box(request: AiEditRequested, variant_id: object) -> Box:
    """Where the variant's effect is: the job's box, moved as its placement variant is."""
    spec = next(v for v in request.variants if v.variant_id == variant_id)
    box = request.box
    return Box(x=box.x + spec.dx, y=box.y + spec.dy, width=box.width, height=box.height)


class VariantScoring:
    def __init__(
        self, ai_edits: AiEditHandlers, blobs: LocalBlobStore, vision: VisionScorer | None = None,
        *, measure_threads: int = 2,
    ) -> None:
        self._ai_edits = ai_edits
        self._blobs = blobs
        self._vision = vision
        self._measuring = asyncio.Semaphore(measure_threads)
        # The scores being measured in this process, by command id: a resend that arrives
        # meanwhile (the gateway retrying) awaits the same measure instead of starting one.
        self._running: dict[str, asyncio.Future[CommandAccepted]] = {}

    async def score(
        self, command: ScoreVariant, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        running = self._running.get(command.command_id)
        if running is None:
            running = asyncio.ensure_future(self._score(command, correlation_id, causation_id))
            self._running[command.command_id] = running
            running.add_done_callback(lambda _: self._running.pop(command.command_id, None))
        # Shielded: a caller that gives up does not cancel the measure others await.
        return await asyncio.shield(running)

    async def _score(
        self, command: ScoreVariant, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        streams = self._ai_edits.streams
        earlier = await streams.earlier(AI_EDIT, command.job_id, command.command_id)
        if earlier is not None:
            return earlier
        job = await self._ai_edits.load(command.job_id)
        if job.request is None or job.request.project_id != command.project_id:
            raise NotFound(f"AI job {command.job_id} not found")
        clip = rendered_variant(job, command.job_id, command.variant_id)  # 404 / 409
        score, scorer = await self._scored(job.request, clip, command)
        return await self._ai_edits.record(RecordVariantScore(
            command_id=command.command_id, now=command.now, job_id=command.job_id,
            project_id=command.project_id, variant_id=command.variant_id,
            compare_to=command.compare_to, score=score, scorer=scorer,
        ), correlation_id=correlation_id, causation_id=causation_id)  # fmt: skip

    async def _scored(
        self, request: AiEditRequested, clip: RenderedVariant, command: ScoreVariant
    ) -> tuple[VariantScore, str]:
        original = self._blobs.path_of(request.media_key)
        variant = self._blobs.path_of(clip.video_key)
        box = effect_box(request, command.variant_id)
        async with self._measuring:
            measured = await asyncio.to_thread(
                score_variant, original, variant, source_start_s=request.source_start_ts,
                box=box, operation=request.edit.operation, color=request.edit.color,
                compare_to=command.compare_to,
            )  # fmt: skip
        offline = _as_score(measured)
        if command.scorer == "objective-metrics":
            return offline, OFFLINE
        if self._vision is None:
            if command.scorer == "openai-vision":  # selected, but the service has no model
                details = ("The vision scorer is selected but no vision model is configured"
                           " (VIDEOGEN_VISION_MODEL); measured offline. ")
                return msgspec.structs.replace(offline, details=details + offline.details), OFFLINE
            return offline, OFFLINE
        try:
            frames = await asyncio.to_thread(
                _middle_frames, original, variant, request.source_start_ts, clip.duration_s, box)
            seen = await self._vision.score(VisionRequest(
                prompt=request.prompt, compare_to=command.compare_to, original_jpeg=frames[0],
                variant_jpeg=frames[1], box=frames[2], measured=measured.details,
            ))  # fmt: skip
        except VendorError as failure:
            log.warning("score.vision_failed", variant_id=str(command.variant_id),
                        scorer=self._vision.name, reason=str(failure))  # fmt: skip
            details = f"The vision model could not score it ({failure}); measured offline. "
            return msgspec.structs.replace(offline, details=details + offline.details), OFFLINE
        return VariantScore(**msgspec.structs.asdict(seen)), self._vision.name


def _as_score(measured: Measurement) -> VariantScore:
    return VariantScore(
        overall_rating=measured.overall_rating, details=measured.details,
        fidelity_to_prompt=measured.fidelity_to_prompt, visual_quality=measured.visual_quality,
    )


def _middle_frames(
    original: Path, variant: Path, source_start: float, duration: float, box: Box
) -> tuple[bytes, bytes, tuple[int, int, int, int]]:
    """JPEGs of the middle of the range (original, variant), and the box in their pixels."""
    width = VISION_FRAME_WIDTH
    before = grab_jpeg(original, source_start + duration / 2, max_width=width)
    after = grab_jpeg(variant, duration / 2, max_width=width)
    facts = video_facts(original)
    scale = scaled_size(facts.width, facts.height, width)[0] / facts.width
    shown = (round(box.x * scale), round(box.y * scale), round(box.width * scale),
             round(box.height * scale))  # fmt: skip
    return before, after, shown

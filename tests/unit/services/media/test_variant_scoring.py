"""Scoring a variant on the in-memory store, with real clips: measured, then recorded as
VariantScored; a resend records nothing new; a vision model's score when one is configured,
and the measure when it fails."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from uuid import uuid4

import msgspec
import pytest
from media_service.app.ai_edits import AI_EDIT, AiEditHandlers
from media_service.app.scoring import VariantScoring
from media_service.domain.ai_commands import RecordRenderedVariant, StartAiEdit
from videogen_contracts.errors import NotFound
from videogen_contracts.media.ai_edits import ScoreVariant, VariantScored
from videogen_eventstore.memory import InMemoryEventStore
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_providers.vendor_errors import VendorUnavailable
from videogen_providers.vision.base import VisionRequest, VisionScore

from tests.unit.services.media.domain.ai_samples import JOB, V1, V2, rendered, request
from tests.unit.services.media.domain.editor_samples import KEY, NOW, PROJ

BOX = "crop=100:80:10:20"
ENCODE = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p"]


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_executable(), "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def blob_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source at KEY; V1 = its 2..4 s blurred in the job's box, V2 = the range as is."""
    root = tmp_path_factory.mktemp("scoring-blobs")
    blobs = LocalBlobStore(root)
    source = blobs.path_of(KEY)
    source.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=5", *ENCODE, "-f", "mp4", str(source))
    for variant, graph in (
        (V1, f"[0:v]split[a][b];[b]{BOX},boxblur=6[c];[a][c]overlay=10:20"), (V2, "[0:v]null"),
    ):
        out = blobs.path_of(rendered(variant).video_key)
        out.parent.mkdir(parents=True, exist_ok=True)
        _ffmpeg("-ss", "2", "-t", "2", "-i", str(source), "-filter_complex", graph, *ENCODE,
                str(out))  # fmt: skip
    return root


async def _job(store: InMemoryEventStore) -> AiEditHandlers:
    handlers = AiEditHandlers(store)
    await handlers.request(request(), correlation_id="c")
    await handlers.record(StartAiEdit(job_id=JOB, project_id=PROJ, now=NOW), correlation_id="c")
    for variant in (V1, V2):
        await handlers.record(RecordRenderedVariant(
            job_id=JOB, project_id=PROJ, now=NOW, variant=rendered(variant)),
            correlation_id="c")  # fmt: skip
    return handlers


def _ask(variant: object = V1, command_id: str = "score-1", **extra: object) -> ScoreVariant:
    return ScoreVariant(command_id=command_id, now=NOW, project_id=PROJ, job_id=JOB,
                        variant_id=variant, **extra)  # type: ignore[arg-type]


async def _scores(handlers: AiEditHandlers) -> list[VariantScored]:
    history = await handlers.streams.history(AI_EDIT, JOB)
    return [e for e in history if isinstance(e, VariantScored)]


def _word(rated: str) -> str:
    return rated.split(" ")[0]


async def test_a_variant_is_measured_then_recorded_once(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    scoring = VariantScoring(handlers, LocalBlobStore(blob_dir))

    first = await scoring.score(_ask(), correlation_id="c")
    again = await scoring.score(_ask(), correlation_id="c")
    untouched = await scoring.score(_ask(V2, "score-2"), correlation_id="c")

    assert again.stream_version == first.stream_version
    [blurred, plain] = await _scores(handlers)
    assert (blurred.variant_id, blurred.compare_to, blurred.scorer) == (V1, "prompt", "offline")
    assert _word(blurred.score.fidelity_to_prompt) in {"excellent", "good"}
    assert _word(blurred.score.visual_quality) in {"excellent", "good"}
    assert "Laplacian variance" in blurred.score.details
    assert _word(plain.score.fidelity_to_prompt) == "poor"
    assert untouched.stream_version > first.stream_version


async def test_against_the_original_the_change_inside_is_the_fidelity(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    scoring = VariantScoring(handlers, LocalBlobStore(blob_dir))
    await scoring.score(_ask(compare_to="original"), correlation_id="c")
    [scored] = await _scores(handlers)
    assert scored.compare_to == "original"
    assert "Compared with the original" in scored.score.details


async def test_an_unknown_variant_or_job_is_not_found(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    scoring = VariantScoring(handlers, LocalBlobStore(blob_dir))
    with pytest.raises(NotFound):
        await scoring.score(_ask(uuid4()), correlation_id="c")
    with pytest.raises(NotFound):
        await scoring.score(msgspec.structs.replace(_ask(), project_id=uuid4()), correlation_id="c")


class FakeVision:
    name = "openai-vision:fake"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[VisionRequest] = []

    async def score(self, request: VisionRequest) -> VisionScore:
        self.seen.append(request)
        if self.fail:
            raise VendorUnavailable(self.name, "HTTP 429: slow down (after 3 attempts)", 429)
        return VisionScore(overall_rating="good (0.70)", details="The box is blurred.",
                           fidelity_to_prompt="good (0.75)", visual_quality="good (0.65)")

    async def aclose(self) -> None:
        pass


async def test_a_configured_vision_model_scores_from_both_frames(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    vision = FakeVision()
    await VariantScoring(handlers, LocalBlobStore(blob_dir), vision).score(
        _ask(), correlation_id="c")
    [scored] = await _scores(handlers)
    assert scored.scorer == "openai-vision:fake"
    assert scored.score.details == "The box is blurred."
    [asked] = vision.seen
    assert asked.prompt == "blur the face"
    assert asked.original_jpeg.startswith(b"\xff\xd8")
    assert asked.variant_jpeg.startswith(b"\xff\xd8")
    assert asked.box == (10, 20, 100, 80)
    assert "SSIM" in asked.measured


async def test_the_settings_choice_of_scorer_is_followed(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    vision = FakeVision()
    scoring = VariantScoring(handlers, LocalBlobStore(blob_dir), vision)
    await scoring.score(_ask(scorer="objective-metrics"), correlation_id="c")
    [measured] = await _scores(handlers)
    assert (measured.scorer, vision.seen) == ("offline", [])

    unconfigured = await _job(InMemoryEventStore("media"))
    await VariantScoring(unconfigured, LocalBlobStore(blob_dir)).score(
        _ask(scorer="openai-vision"), correlation_id="c")
    [fallback] = await _scores(unconfigured)
    assert fallback.scorer == "offline"
    assert fallback.score.details.startswith("The vision scorer is selected but no vision")


async def test_a_failing_vision_model_leaves_the_measured_score(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    await VariantScoring(handlers, LocalBlobStore(blob_dir), FakeVision(fail=True)).score(
        _ask(), correlation_id="c")
    [scored] = await _scores(handlers)
    assert scored.scorer == "offline"
    assert scored.score.details.startswith("The vision model could not score it")
    assert "HTTP 429" in scored.score.details
    assert "Laplacian variance" in scored.score.details


async def test_a_resend_during_the_measure_awaits_it(blob_dir: Path) -> None:
    handlers = await _job(InMemoryEventStore("media"))
    vision = FakeVision()
    scoring = VariantScoring(handlers, LocalBlobStore(blob_dir), vision)
    first, again = await asyncio.gather(scoring.score(_ask(), correlation_id="c"),
                                        scoring.score(_ask(), correlation_id="c"))
    assert first == again
    assert len(vision.seen) == 1
    assert len(await _scores(handlers)) == 1

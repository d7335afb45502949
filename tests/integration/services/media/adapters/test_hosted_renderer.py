"""The hosted renderer, with real ffmpeg, against a local fake of `/v1/videos`: the model
is asked for the box only, its clip lands inside the box and nowhere else, and each vendor
failure fails the variant with its reason, in bounded time."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from media_service.adapters.video_models import HostedVariantRenderer
from media_service.workers.ai_edits import VariantRenderFailed
from videogen_contracts.media.ai_edits import AiEditRequested, Box, RegionEdit, VariantSpec
from videogen_providers.config import ProviderConfig
from videogen_providers.llm.retry import RetryPolicy
from videogen_providers.video.openai_videos import OpenAIVideoModel, VideoClientLimits

from tests.e2e.editor.conftest import make_clip
from tests.e2e.editor.frame_measures import crop, inset, luma_at, ssim_outside
from tests.unit.providers.fake_videos import (
    FAKE_MP4,
    FakeVideos,
    fake_videos,
    http_error,
    solid_mp4,
)

BOX = Box(x=80, y=60, width=160, height=120)
LIMITS = VideoClientLimits(
    request_timeout=2.0, poll_interval=0.01, max_wait=20.0,
    retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=1.0),
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("hosted") / "clip.mp4", seconds=4.0)


@pytest.fixture(scope="module")
def red_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """What the fake model "generates": 4 s of solid red."""
    return solid_mp4(tmp_path_factory.mktemp("hosted-patch") / "red.mp4")


@pytest.fixture
def fake(red_clip: bytes) -> Iterator[FakeVideos]:
    with fake_videos(FakeVideos(content=red_clip)) as videos:
        yield videos


def _request(spec: VariantSpec) -> AiEditRequested:
    return AiEditRequested(
        job_id=uuid.uuid4(), project_id=uuid.uuid4(), prompt="blur the face",
        edit=RegionEdit(operation="blur"), start_ts=1.0, end_ts=3.0, segment_id=uuid.uuid4(),
        media_key="editor/p/clip.mp4", source_start_ts=1.0, source_end_ts=3.0, box=BOX,
        seed=7, variants=[spec], requested_at=datetime.now(UTC),
    )


SPEC = VariantSpec(
    variant_id=uuid.uuid4(), index=0, strength=0.6, softness=8, provider="openai-video",
    description="soft edges 8 px",
)


def _renderer(fake: FakeVideos) -> HostedVariantRenderer:
    return HostedVariantRenderer(
        OpenAIVideoModel("key", model="sora-2", base_url=fake.url, limits=LIMITS)
    )


async def test_the_model_draws_inside_the_box_only(
    fake: FakeVideos, source: Path, tmp_path: Path
) -> None:
    renderer = _renderer(fake)
    try:
        duration = await renderer.render(
            source, _request(SPEC), SPEC, tmp_path / "v.mp4", tmp_path / "v.jpg"
        )
    finally:
        await renderer.aclose()
    assert duration == pytest.approx(2.0, abs=0.1)
    assert (tmp_path / "v.jpg").read_bytes()[:2] == b"\xff\xd8"
    (asked,) = fake.created
    assert "blur the face" in str(asked["prompt"])
    assert (asked["model"], asked["seconds"], asked["size"]) == ("sora-2", "4", "1280x720")
    reference = asked["input_reference"]
    assert isinstance(reference, dict)
    jpeg = base64.b64decode(str(reference["image_url"]).split(",", 1)[1])
    assert jpeg[:2] == b"\xff\xd8"
    # Inside the box: the model's red; outside it: the original, untouched.
    red_luma = 0.299 * 255
    after, before = luma_at(tmp_path / "v.mp4", 1.0), luma_at(source, 2.0)
    inner = crop(after, inset((BOX.x, BOX.y, BOX.width, BOX.height), 12))
    assert float(np.abs(inner - red_luma).mean()) < 12
    assert ssim_outside(before, after, inset((BOX.x, BOX.y, BOX.width, BOX.height), -12)) >= 0.98


async def test_a_vendor_failure_fails_the_variant_with_its_reason(
    fake: FakeVideos, source: Path, tmp_path: Path
) -> None:
    fake.script("create", http_error(500), http_error(500))
    renderer = _renderer(fake)
    started = time.monotonic()
    try:
        with pytest.raises(VariantRenderFailed, match=r"hosted video model failed.*HTTP 500"):
            await renderer.render(source, _request(SPEC), SPEC, tmp_path / "v.mp4",
                                  tmp_path / "v.jpg")
    finally:
        await renderer.aclose()
    assert time.monotonic() - started < 10
    assert not (tmp_path / "v.mp4").exists()


async def test_a_clip_that_does_not_decode_fails_the_variant(
    fake: FakeVideos, source: Path, tmp_path: Path
) -> None:
    fake.content = FAKE_MP4  # `ftyp`, then nothing a decoder can use
    renderer = _renderer(fake)
    try:
        with pytest.raises(VariantRenderFailed, match="could not be composited"):
            await renderer.render(source, _request(SPEC), SPEC, tmp_path / "v.mp4",
                                  tmp_path / "v.jpg")
    finally:
        await renderer.aclose()


async def test_without_a_configured_model_a_hosted_spec_fails_clearly(
    source: Path, tmp_path: Path
) -> None:
    for config in (ProviderConfig(), ProviderConfig(video_model="sora-2")):
        renderer = HostedVariantRenderer.from_config(config)
        with pytest.raises(VariantRenderFailed, match="VIDEOGEN_VIDEO"):
            await renderer.render(source, _request(SPEC), SPEC, tmp_path / "v.mp4",
                                  tmp_path / "v.jpg")
        await renderer.aclose()

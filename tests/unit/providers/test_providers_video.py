"""The hosted video model's client against a local fake of `/v1/videos`: what it sends,
and that every failure (429, 500, a timeout, a malformed answer, a failed generation) is
a typed error within bounded time, never a hang."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from videogen_providers.catalog import describe_providers
from videogen_providers.config import ProviderConfig
from videogen_providers.llm.retry import RetryPolicy
from videogen_providers.validation import validate
from videogen_providers.vendor_errors import (
    VendorAuthFailed,
    VendorNotConfigured,
    VendorRejected,
    VendorUnavailable,
)
from videogen_providers.video.model import VideoGenerationFailed, VideoRequest
from videogen_providers.video.openai_videos import (
    OpenAIVideoModel,
    VideoClientLimits,
    offered_seconds,
)
from videogen_providers.video.selection import variant_provider, video_model_from_config

from tests.unit.providers.fake_videos import (
    FAKE_MP4,
    FakeVideos,
    Fault,
    fake_videos,
    http_error,
    malformed,
)

LIMITS = VideoClientLimits(
    request_timeout=0.5, poll_interval=0.01, max_wait=5.0,
    retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=2.0),
)
REQUEST = VideoRequest(
    prompt="blur the face", seconds=2.5, width=320, height=200, reference_jpeg=b"\xff\xd8jpeg"
)


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def fake() -> Iterator[FakeVideos]:
    with fake_videos() as videos:
        yield videos


@pytest.fixture
async def model(fake: FakeVideos) -> AsyncIterator[OpenAIVideoModel]:
    client = OpenAIVideoModel("key", model="sora-2", base_url=fake.url, limits=LIMITS)
    yield client
    await client.aclose()


async def test_creates_polls_and_downloads(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.polls_before_done = 2
    video = await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert video.path.read_bytes() == FAKE_MP4
    assert (video.vendor_id, video.model) == ("video_1", "sora-2")
    body = fake.created[0]
    assert {k: body[k] for k in ("model", "prompt", "seconds", "size")} == {
        "model": "sora-2", "prompt": "blur the face", "seconds": "4", "size": "1280x720",
    }
    reference = body["input_reference"]
    assert isinstance(reference, dict)
    assert reference["image_url"] == "data:image/jpeg;base64," + base64.b64encode(
        b"\xff\xd8jpeg").decode()
    paths = [r.path for r in fake.requests]
    assert paths == ["/v1/videos", *["/v1/videos/video_1"] * 3, "/v1/videos/video_1/content"]
    assert all(r.headers["Authorization"] == "Bearer key" for r in fake.requests)
    assert _names(tmp_path) == ["patch.mp4"]  # no temporary file left behind


def test_lengths_and_sizes_are_ones_the_api_offers() -> None:
    assert [offered_seconds(s) for s in (0.5, 4, 4.1, 9, 30)] == ["4", "4", "8", "12", "12"]


async def test_429_waits_for_retry_after_then_succeeds(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("create", http_error(429, Retry_After="1"))
    started = time.monotonic()
    await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert time.monotonic() - started >= 1.0
    assert len(fake.created) == 1


async def test_429_asking_too_long_fails_now(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("poll", http_error(429, Retry_After="3600"))
    started = time.monotonic()
    with pytest.raises(VendorUnavailable, match="429"):
        await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert time.monotonic() - started < 2.0
    assert not (tmp_path / "patch.mp4").exists()


async def test_500_is_retried_then_reported(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("create", *[http_error(500)] * 3)
    with pytest.raises(VendorUnavailable, match="fake failure 500"):
        await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert len(fake.requests) == LIMITS.retry.max_attempts
    assert fake.created == []


async def test_a_transient_500_while_polling_is_retried(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("poll", http_error(502))
    fake.script("content", http_error(503))
    video = await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert video.path.read_bytes() == FAKE_MP4


async def test_a_slow_answer_times_out_and_is_reported(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("poll", *[Fault(delay=1.0)] * 3)
    started = time.monotonic()
    with pytest.raises(VendorUnavailable, match="Timeout"):
        await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert time.monotonic() - started < 3 * LIMITS.request_timeout + 1.0


async def test_a_generation_that_never_finishes_is_bounded(
    fake: FakeVideos, tmp_path: Path
) -> None:
    fake.polls_before_done = 10**9
    limits = VideoClientLimits(request_timeout=0.5, poll_interval=0.02, max_wait=0.5)
    client = OpenAIVideoModel("key", model="sora-2", base_url=fake.url, limits=limits)
    try:
        with pytest.raises(VendorUnavailable, match=r"no video within 0.5 s"):
            await client.generate(REQUEST, tmp_path / "patch.mp4")
    finally:
        await client.aclose()


@pytest.mark.parametrize(("endpoint", "body"), [
    ("create", b"{not json"),
    ("create", json.dumps({"id": "video_1", "status": "dreaming"}).encode()),
    ("poll", json.dumps({"status": "completed"}).encode()),
    ("content", b"<html>gateway error</html>"),
])
async def test_malformed_answers_fail_clearly(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path, endpoint: str, body: bytes
) -> None:
    fake.script(endpoint, malformed(body))  # type: ignore[arg-type]
    with pytest.raises(VideoGenerationFailed, match=r"malformed|not an mp4"):
        await model.generate(REQUEST, tmp_path / "patch.mp4")
    assert not (tmp_path / "patch.mp4").exists()


async def test_a_failed_generation_says_why(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.fail_with = "moderation blocked"
    with pytest.raises(VideoGenerationFailed, match="video_1 failed: moderation blocked"):
        await model.generate(REQUEST, tmp_path / "patch.mp4")


async def test_auth_and_rejections_are_not_retried(
    fake: FakeVideos, model: OpenAIVideoModel, tmp_path: Path
) -> None:
    fake.script("create", http_error(401), http_error(400))
    with pytest.raises(VendorAuthFailed):
        await model.generate(REQUEST, tmp_path / "a.mp4")
    with pytest.raises(VendorRejected):
        await model.generate(REQUEST, tmp_path / "b.mp4")
    assert len(fake.requests) == 2


async def test_selection_is_offline_unless_a_model_is_named() -> None:
    assert variant_provider(ProviderConfig()) == "offline"
    assert video_model_from_config(ProviderConfig(openai_api_key="k")) is None
    named = ProviderConfig(
        openai_api_key="openai-key", openai_base_url="http://llm.local/v1", video_model="sora-2"
    )
    assert variant_provider(named) == "openai-video"
    client = video_model_from_config(named)
    assert client is not None
    try:
        assert client.model == "sora-2"
        assert str(client.http.base_url) == "http://llm.local/v1/"
        assert client.http.headers["Authorization"] == "Bearer openai-key"
    finally:
        await client.aclose()
    with pytest.raises(VendorNotConfigured):
        video_model_from_config(ProviderConfig(video_model="sora-2"))


def test_config_reads_the_video_model_and_hides_its_key() -> None:
    config = ProviderConfig.from_env({
        "VIDEOGEN_VIDEO_MODEL": "sora-2", "VIDEOGEN_VIDEO_BASE_URL": "http://videos.local/v1/",
        "VIDEOGEN_VIDEO_API_KEY": "secret-video-key",
    })
    assert (config.video_model, config.video_url, config.video_key) == (
        "sora-2", "http://videos.local/v1", "secret-video-key"
    )
    assert "secret-video-key" not in repr(config)
    assert ProviderConfig.from_env(config.as_environ()) == config


def test_the_catalog_says_whether_the_hosted_model_can_be_used() -> None:
    def listed(config: ProviderConfig) -> list[str]:
        (video,) = [c for c in describe_providers(config) if c.name == "openai-video"]
        return video.reason_codes

    assert listed(ProviderConfig()) == ["NotConfigured:VIDEOGEN_VIDEO_MODEL"]
    assert listed(ProviderConfig(video_model="sora-2")) == ["MissingApiKey:VIDEOGEN_VIDEO_API_KEY"]
    assert listed(ProviderConfig(video_model="sora-2", openai_api_key="k")) == []
    local = ProviderConfig(video_model="wan-2.1", video_base_url="http://127.0.0.1:9/v1")
    assert listed(local) == []


async def test_validation_asks_the_video_models_server(fake: FakeVideos) -> None:
    assert not (await validate("openai-video", ProviderConfig())).ok
    config = ProviderConfig(
        openai_base_url="http://127.0.0.1:9/v1", video_model="sora-2", video_base_url=fake.url,
        video_api_key="video-key",
    )
    result = await validate("openai-video", config)
    assert fake.requests[-1].path == "/v1/models"
    assert fake.requests[-1].headers["Authorization"] == "Bearer video-key"
    assert not result.ok  # the fake has no model list: it says so, by name of the URL
    assert fake.url in result.message

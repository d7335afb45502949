"""The vision scorer against a local fake OpenAI-compatible chat API (never the internet):
the images it sends, and its failures: 429, 500, timeouts, refused keys, malformed answers."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from videogen_providers.llm.retry import RetryPolicy
from videogen_providers.vendor_errors import VendorAuthFailed, VendorUnavailable
from videogen_providers.vision.base import VisionRequest
from videogen_providers.vision.openai_vision import OpenAIVisionScorer, VisionAnswerInvalid
from videogen_providers.vision.settings import VisionSettings, vision_settings

from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, answer, error, serve

SCORE = {
    "overall_rating": "good (0.78)", "details": "The face is blurred; the rest is untouched.",
    "fidelity_to_prompt": "excellent (0.90)", "visual_quality": "good (0.66)",
}
REQUEST = VisionRequest(
    prompt="blur the face", compare_to="prompt", original_jpeg=b"\xff\xd8original",
    variant_jpeg=b"\xff\xd8variant", box=(10, 20, 64, 48), measured="SSIM 0.991 outside",
)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


def _settings(url: str, *, timeout: float = 5.0, attempts: int = 3) -> VisionSettings:
    return VisionSettings(model="fake-vision", base_url=url, api_key="sk-vision",
                          timeout=timeout,
                          retry=RetryPolicy(max_attempts=attempts, base_delay=0.01))


@pytest.fixture
async def scorer(fake: FakeOpenAI) -> AsyncIterator[OpenAIVisionScorer]:
    scorer = OpenAIVisionScorer(_settings(fake.url))
    yield scorer
    await scorer.aclose()


async def test_both_frames_go_as_images_and_the_answer_is_the_score(
    fake: FakeOpenAI, scorer: OpenAIVisionScorer
) -> None:
    fake.script(answer(SCORE))
    score = await scorer.score(REQUEST)
    assert score.overall_rating == "good (0.78)"
    assert score.fidelity_to_prompt == "excellent (0.90)"
    [seen] = fake.seen
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == "Bearer sk-vision"
    assert seen.body["model"] == "fake-vision"
    assert seen.body["response_format"]["json_schema"]["name"] == "VariantScore"
    parts = seen.body["messages"][1]["content"]
    images = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert images == [
        "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8original").decode(),
        "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8variant").decode(),
    ]
    text = " ".join(p["text"] for p in parts if p["type"] == "text")
    assert "blur the face" in text
    assert "width=64" in text
    assert "SSIM 0.991" in text
    assert scorer.name == "openai-vision:fake-vision"


async def test_a_429_is_waited_out_as_retry_after_asks(
    fake: FakeOpenAI, scorer: OpenAIVisionScorer
) -> None:
    fake.script(error(429, **{"retry-after-ms": "200"}), answer(SCORE))
    assert (await scorer.score(REQUEST)).visual_quality == "good (0.66)"
    first, second = fake.seen
    assert second.at - first.at >= 0.19


async def test_500s_until_the_attempts_run_out_are_unavailable(
    fake: FakeOpenAI, scorer: OpenAIVisionScorer
) -> None:
    fake.script(error(500), error(502), error(503))
    with pytest.raises(VendorUnavailable) as raised:
        await scorer.score(REQUEST)
    assert raised.value.status == 503
    assert "after 3 attempts" in str(raised.value)
    assert len(fake.seen) == 3


async def test_a_server_that_does_not_answer_in_time_is_unavailable(fake: FakeOpenAI) -> None:
    fake.script(Reply(content="{}", delay=5), Reply(content="{}", delay=5))
    scorer = OpenAIVisionScorer(_settings(fake.url, timeout=0.3, attempts=2))
    started = time.monotonic()
    try:
        with pytest.raises(VendorUnavailable, match=r"no answer within 0\.3s"):
            await scorer.score(REQUEST)
    finally:
        await scorer.aclose()
    assert time.monotonic() - started < 3


async def test_a_refused_key_fails_at_once(fake: FakeOpenAI, scorer: OpenAIVisionScorer) -> None:
    fake.script(error(401))
    with pytest.raises(VendorAuthFailed):
        await scorer.score(REQUEST)
    assert len(fake.seen) == 1


async def test_a_malformed_answer_is_asked_again_with_what_was_wrong(
    fake: FakeOpenAI, scorer: OpenAIVisionScorer
) -> None:
    fake.script(Reply(content="the edit looks nice"), answer(SCORE))
    assert (await scorer.score(REQUEST)).details.startswith("The face")
    retry = fake.seen[1].body["messages"]
    assert retry[-2] == {"role": "assistant", "content": "the edit looks nice"}
    assert "not valid" in retry[-1]["content"]


async def test_two_malformed_answers_are_invalid(
    fake: FakeOpenAI, scorer: OpenAIVisionScorer
) -> None:
    fake.script(answer({**SCORE, "details": "  "}), answer({"overall_rating": "good"}))
    with pytest.raises(VisionAnswerInvalid, match="answered twice"):
        await scorer.score(REQUEST)


def test_a_vision_model_is_opt_in_and_defaults_to_the_writers_server() -> None:
    assert vision_settings({"OPENAI_API_KEY": "sk"}) is None
    chosen = vision_settings({"VIDEOGEN_VISION_MODEL": "gemini-2.0-flash",
                              "OPENAI_BASE_URL": "http://llm:8080/v1", "OPENAI_API_KEY": "sk"})
    assert chosen is not None
    assert (chosen.base_url, chosen.api_key) == ("http://llm:8080/v1", "sk")
    assert "sk" not in repr(chosen)
    gemini = vision_settings({
        "VIDEOGEN_VISION_MODEL": "gemini-2.0-flash", "OPENAI_API_KEY": "sk",
        "VIDEOGEN_VISION_BASE_URL": "https://generativelanguage.googleapis.com/v1beta/openai/",
        "VIDEOGEN_VISION_API_KEY": "gk",
    })
    assert gemini is not None
    assert gemini.api_key == "gk"
    assert gemini.label == "openai-vision:gemini-2.0-flash"

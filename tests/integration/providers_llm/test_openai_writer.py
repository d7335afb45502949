"""The OpenAI-compatible writer against a local fake chat API (never the internet)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import pytest
from videogen_providers.llm.base import Brief, CastMember, OutlineDraft, OutlineSection
from videogen_providers.llm.errors import LLMOutputInvalid, LLMUnavailable
from videogen_providers.llm.openai_writer import OpenAISettings, OpenAIWriter
from videogen_providers.llm.retry import RetryPolicy
from videogen_providers.llm.select import writer_from_env

from .fake_openai import MODEL, FakeOpenAI, Reply, answer, error, serve

BRIEF = Brief(
    topic="Tide pools",
    target_minutes=2,
    audience="Families",
    tone="warm",
    cast=[
        CastMember(name="Marisol", description="A marine biologist with a soft spot for crabs"),
        CastMember(name="Pip", description="A curious hermit crab", role="sidekick"),
    ],
)
OUTLINE = {
    "title": "Life between the tides",
    "total_target_minutes": 2,
    "sections": [
        {"title": "Hello, tide pools", "summary": "Why they matter.", "target_minutes": 1,
         "key_points": ["what a tide pool is"]},
        {"title": "Who lives there", "summary": "The residents.", "target_minutes": 1,
         "key_points": ["crabs", "anemones"]},
    ],
}
SECTION = {"title": "Who lives there", "sentences": ["Crabs hide under rocks.", "Anemones wait."]}


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


def settings(url: str, *, timeout: float = 5.0, attempts: int = 3) -> OpenAISettings:
    return OpenAISettings(
        base_url=url,
        api_key="sk-test",
        model="configured-model",
        timeout=timeout,
        retry=RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=5.0),
    )


@pytest.fixture
async def writer(fake: FakeOpenAI) -> AsyncIterator[OpenAIWriter]:
    writer = OpenAIWriter(settings(fake.url))
    yield writer
    await writer.aclose()


async def test_an_outline_is_asked_for_as_strict_json_schema_and_validated(
    fake: FakeOpenAI, writer: OpenAIWriter
) -> None:
    fake.script(answer(OUTLINE, prompt_tokens=120, completion_tokens=80))

    written = await writer.outline(BRIEF)

    assert written.value.title == "Life between the tides"
    assert [s.title for s in written.value.sections] == ["Hello, tide pools", "Who lives there"]
    [request] = fake.seen
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["model"] == "configured-model"
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "OutlineDraft"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "total_target_minutes", "sections"}
    assert "A marine biologist with a soft spot for crabs" in request.messages_text
    assert "Pip (sidekick): A curious hermit crab" in request.messages_text


async def test_usage_and_provider_label_are_recorded(
    fake: FakeOpenAI, writer: OpenAIWriter
) -> None:
    fake.script(answer(SECTION, prompt_tokens=321, completion_tokens=54))
    section = OutlineSection(title="Who lives there", summary="", target_minutes=1, key_points=[])

    written = await writer.section_script(BRIEF, section, ["Hello, tide pools"])

    assert written.value.sentences == SECTION["sentences"]
    assert written.usage.prompt_tokens == 321
    assert written.usage.completion_tokens == 54
    assert written.usage.model == MODEL  # the model that answered, as the server names it
    assert written.usage.provider == "openai"
    assert written.provider_label == "openai:configured-model"


async def test_malformed_json_is_retried_once_with_the_error(
    fake: FakeOpenAI, writer: OpenAIWriter
) -> None:
    fake.script(
        Reply(content='{"title": "Life between', prompt_tokens=100, completion_tokens=5),
        answer(OUTLINE, prompt_tokens=150, completion_tokens=80),
    )

    written = await writer.outline(BRIEF)

    assert written.value == OutlineDraft(
        title="Life between the tides",
        total_target_minutes=2,
        sections=written.value.sections,
    )
    first, second = fake.seen
    retry_messages = second.body["messages"]
    assert retry_messages[: len(first.body["messages"])] == first.body["messages"]
    assert retry_messages[-2] == {"role": "assistant", "content": '{"title": "Life between'}
    assert "not valid" in retry_messages[-1]["content"]
    assert "truncated" in retry_messages[-1]["content"].lower()  # msgspec's own message
    assert written.usage.prompt_tokens == 250  # both calls are paid for
    assert written.usage.completion_tokens == 85


async def test_a_schema_mismatch_is_fed_back_too(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(answer({"sentences": []}), answer({"sentences": ["One.", "Two.", "Three."]}))

    written = await writer.expand(BRIEF, "Who lives there", ["Crabs hide."], 2)

    assert written.value == ["One.", "Two."]  # more than asked for is cut to the count
    assert "`$.sentences` must not be empty" in fake.seen[1].body["messages"][-1]["content"]


async def test_a_cut_off_or_refused_answer_is_retried_with_the_reason(
    fake: FakeOpenAI, writer: OpenAIWriter
) -> None:
    fake.script(
        Reply(content='{"sentences": ["One', finish_reason="length"), answer({"sentences": ["A."]}),
        Reply(content=None, refusal="I can't help with that"), answer({"sentences": ["B."]}),
    )

    assert (await writer.expand(BRIEF, "Who lives there", [], 1)).value == ["A."]
    assert (await writer.expand(BRIEF, "Who lives there", [], 1)).value == ["B."]

    assert "cut off at the token limit" in fake.seen[1].body["messages"][-1]["content"]
    assert "refused: I can't help with that" in fake.seen[3].body["messages"][-1]["content"]


async def test_malformed_twice_fails_clearly(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(Reply(content="Sure! Here is your outline:"), Reply(content='{"title": 3}'))

    with pytest.raises(LLMOutputInvalid) as caught:
        await writer.outline(BRIEF)

    assert len(fake.seen) == 2
    assert "answered twice without a valid OutlineDraft" in caught.value.reason
    assert caught.value.content == '{"title": 3}'
    assert caught.value.usage is not None
    assert caught.value.usage.prompt_tokens == 22


async def test_429_waits_for_retry_after(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(error(429, **{"Retry-After": "1"}), answer(OUTLINE))

    written = await writer.outline(BRIEF)

    assert written.value.title == "Life between the tides"
    first, second = fake.seen
    assert second.at - first.at >= 1.0


async def test_500_twice_then_success(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(error(500), error(503), answer(OUTLINE))

    written = await writer.outline(BRIEF)

    assert written.value.title == "Life between the tides"
    assert len(fake.seen) == 3


async def test_5xx_until_the_attempts_run_out(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(error(502), error(502), error(502), answer(OUTLINE))

    with pytest.raises(LLMUnavailable) as caught:
        await writer.outline(BRIEF)

    assert len(fake.seen) == 3
    assert caught.value.status == 502
    assert caught.value.attempts == 3
    assert "after 3 attempts" in caught.value.reason


async def test_a_rejected_request_is_not_retried(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    fake.script(error(401), answer(OUTLINE))

    with pytest.raises(LLMUnavailable) as caught:
        await writer.outline(BRIEF)

    assert len(fake.seen) == 1
    assert caught.value.status == 401


async def test_a_retry_after_beyond_the_policy_fails_now(
    fake: FakeOpenAI, writer: OpenAIWriter
) -> None:
    fake.script(error(429, **{"Retry-After": "3600"}), answer(OUTLINE))

    started = time.monotonic()
    with pytest.raises(LLMUnavailable) as caught:
        await writer.outline(BRIEF)

    assert time.monotonic() - started < 2
    assert caught.value.status == 429
    assert len(fake.seen) == 1


async def test_a_slow_answer_times_out_per_call(fake: FakeOpenAI) -> None:
    fake.script(Reply(content="{}", delay=5), Reply(content="{}", delay=5))
    writer = OpenAIWriter(settings(fake.url, timeout=0.3, attempts=2))

    started = time.monotonic()
    with pytest.raises(LLMUnavailable) as caught:
        await writer.outline(BRIEF)
    elapsed = time.monotonic() - started
    await writer.aclose()

    assert len(fake.seen) == 2
    assert 0.6 <= elapsed < 2.0
    assert "no answer within 0.3s" in caught.value.reason


async def test_a_slow_answer_then_a_quick_one_recovers(fake: FakeOpenAI) -> None:
    fake.script(Reply(content="{}", delay=5), answer(OUTLINE))
    writer = OpenAIWriter(settings(fake.url, timeout=0.3, attempts=2))

    written = await writer.outline(BRIEF)
    await writer.aclose()

    assert written.value.title == "Life between the tides"


async def test_cast_descriptions_reach_every_prompt(fake: FakeOpenAI, writer: OpenAIWriter) -> None:
    outline = OutlineDraft(
        title="t",
        total_target_minutes=2,
        sections=[OutlineSection(title="a", summary="s", target_minutes=1, key_points=["k"])],
    )
    fake.script(
        answer(OUTLINE),
        answer(SECTION),
        answer({"sections": [SECTION]}),
        answer({"sentences": ["More."]}),
        answer(OUTLINE["sections"][0]),  # type: ignore[index]
    )

    await writer.outline(BRIEF)
    await writer.section_script(BRIEF, outline.sections[0], [])
    quick = await writer.quick_script(BRIEF)
    await writer.expand(BRIEF, "a", [], 1)
    regenerated = await writer.regenerate_section(BRIEF, outline, 0, "more crabs")

    assert quick.value[0].title == "Who lives there"
    assert regenerated.value.title == "Hello, tide pools"
    assert len(fake.seen) == 5
    for request in fake.seen:
        assert "Marisol: A marine biologist with a soft spot for crabs" in request.messages_text
        assert "A curious hermit crab" in request.messages_text
    assert "more crabs" in fake.seen[-1].messages_text


async def test_writer_from_env_talks_to_the_configured_server(fake: FakeOpenAI) -> None:
    fake.script(answer({"sentences": ["Look closer."]}))
    writer = writer_from_env({"OPENAI_BASE_URL": fake.url, "VIDEOGEN_LLM_MODEL": "llama3"})

    written = await writer.expand(BRIEF, "Who lives there", [], 1)
    await writer.aclose()

    assert written.value == ["Look closer."]
    assert writer.provider_label == "openai:llama3"
    assert fake.seen[0].body["model"] == "llama3"
    assert fake.seen[0].headers["authorization"] == "Bearer not-needed"

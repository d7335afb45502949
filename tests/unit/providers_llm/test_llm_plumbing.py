"""Retry timing, strict schemas, decoding checks, prompts and provider selection (no I/O)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from videogen_providers.llm import prompts
from videogen_providers.llm.base import (
    Brief,
    CastMember,
    OutlineDraft,
    OutlineSection,
    SectionScript,
    TokenUsage,
)
from videogen_providers.llm.offline import OfflineWriter
from videogen_providers.llm.openai_writer import OpenAIWriter
from videogen_providers.llm.retry import RetryPolicy, is_retryable_status, retry_after_seconds
from videogen_providers.llm.select import describe_llm_providers, writer_from_env
from videogen_providers.llm.structured import (
    InvalidOutput,
    SentencesPayload,
    decode,
    strict_schema,
)

BRIEF = Brief(
    topic="Volcanoes",
    target_minutes=4,
    audience="Kids",
    cast=[CastMember(name="Lava Larry", description="A grumpy old volcano", role="host")],
)


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=10.0)
    rng = random.Random(7)
    for attempt, step in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (7, 10.0)]:
        delays = {policy.backoff(attempt, rng) for _ in range(50)}
        assert all(step / 2 <= d <= step for d in delays)
        assert len(delays) > 1  # jittered


def test_retry_after_is_honoured_within_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.01, max_delay=30.0)
    rng = random.Random(1)
    assert policy.delay(1, 7.0, rng) == 7.0
    assert policy.delay(1, 31.0, rng) is None  # too long: fail now with a reason
    assert policy.delay(1, None, rng) is not None


def test_retry_after_header_forms() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after": "1.5"}) == 1.5
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_seconds({"retry-after": "Wed, 01 May 2024 12:00:20 GMT"}, now) == 20.0
    assert retry_after_seconds({"retry-after": "Wed, 01 May 2024 11:00:00 GMT"}, now) == 0.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


@pytest.mark.parametrize(("status", "retryable"), [
    (400, False), (401, False), (404, False), (408, True), (429, True), (500, True), (503, True),
])
def test_which_statuses_are_retried(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


@pytest.mark.parametrize("kind", [OutlineDraft, OutlineSection, SectionScript, SentencesPayload])
def test_schemas_are_strict(kind: type) -> None:
    schema = strict_schema(kind)
    assert schema["type"] == "object"
    assert "$ref" not in schema
    objects = [schema, *schema.get("$defs", {}).values()]
    for node in objects:
        assert node["additionalProperties"] is False
        assert set(node["required"]) == set(node["properties"])


def test_decode_accepts_fenced_json_and_rejects_blanks() -> None:
    fenced = '```json\n{"sentences": ["Hi."]}\n```'
    assert decode(fenced, SentencesPayload).sentences == ["Hi."]
    with pytest.raises(InvalidOutput, match="must not be blank"):
        decode('{"sentences": ["  "]}', SentencesPayload)
    with pytest.raises(InvalidOutput, match="empty"):
        decode(None, SentencesPayload)
    with pytest.raises(InvalidOutput, match="Expected `array`"):
        decode('{"sentences": "Hi."}', SentencesPayload)


def test_every_prompt_carries_the_whole_brief() -> None:
    section = OutlineSection(title="Boom", summary="s", target_minutes=1, key_points=["magma"])
    outline = OutlineDraft(title="t", total_target_minutes=1, sections=[section])
    conversations = [
        prompts.outline(BRIEF),
        prompts.section_script(BRIEF, section, ["Intro"]),
        prompts.quick_script(BRIEF),
        prompts.expand(BRIEF, "Boom", ["One."], 2),
        prompts.regenerate_section(BRIEF, outline, 0, "louder"),
    ]
    for messages in conversations:
        text = "\n".join(str(m.get("content")) for m in messages)
        assert "Lava Larry (host): A grumpy old volcano" in text
        assert "Topic: Volcanoes" in text
        assert "Audience: Kids" in text
        assert "about 600 spoken words" in text


def test_usage_adds_up() -> None:
    one = TokenUsage(prompt_tokens=10, completion_tokens=2, model="m", provider="openai")
    two = TokenUsage(prompt_tokens=5, completion_tokens=3, model="m2", provider="openai")
    assert one.plus(two) == TokenUsage(
        prompt_tokens=15, completion_tokens=5, model="m2", provider="openai"
    )
    assert one.plus(two).total_tokens == 20


async def test_offline_unless_an_openai_endpoint_is_configured() -> None:
    assert isinstance(writer_from_env({}), OfflineWriter)
    for env in ({"OPENAI_API_KEY": "sk-x"}, {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}):
        writer = writer_from_env(env)
        assert isinstance(writer, OpenAIWriter)
        await writer.aclose()


def test_provider_listing() -> None:
    unset = {p.name: p for p in describe_llm_providers({})}
    assert unset["offline"].available
    assert unset["offline"].offline
    assert unset["offline"].selected
    assert unset["offline"].category == "llm"
    assert not unset["openai"].available
    assert unset["openai"].reason_codes == ["not_configured"]
    assert unset["openai"].needs_key

    local = {p.name: p for p in describe_llm_providers({
        "OPENAI_BASE_URL": "http://ollama:11434/v1", "VIDEOGEN_LLM_MODEL": "llama3.1",
    })}
    assert local["openai"].available
    assert local["openai"].selected
    assert local["openai"].label == "openai:llama3.1"
    assert local["openai"].reason_codes == ["no_api_key", "custom_base_url"]
    assert not local["openai"].needs_key
    assert not local["offline"].selected

    misconfigured = {"OPENAI_API_KEY": "sk-x", "VIDEOGEN_LLM_TIMEOUT": "soon"}
    broken = {p.name: p for p in describe_llm_providers(misconfigured)}
    assert broken["openai"].reason_codes == ["invalid_settings"]
    assert not broken["openai"].available
    assert broken["openai"].selected  # it is what the service would try, and refuse, to use
    with pytest.raises(ValueError, match="soon"):
        writer_from_env(misconfigured)

"""A broken language model, for real: the script service with the OpenAI-compatible writer
against a tiny local fake server that times out, returns malformed JSON, 429 or 500. Every
run ends (failed with a clear reason, or recovered), in bounded time, and releases its
project; a synchronous request answers `unavailable` with the reason instead of hanging."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from script_service.bootstrap import ScriptService
from script_service.config import ScriptConfig
from videogen_contracts.replies import CommandRejected
from videogen_contracts.script.commands import QuickGenerate, StartGeneration
from videogen_contracts.script.generation import GenerationCompleted, GenerationFailed
from videogen_providers.llm.openai_writer import OpenAISettings, OpenAIWriter
from videogen_providers.llm.retry import RetryPolicy

from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, answer, error, serve

from .conftest import CAST_DESCRIPTION, PROJECT_VERSION, ScriptClient, StartScript, now, run_end

pytestmark = pytest.mark.timeout(90)

OUTLINE = {
    "title": "Keeping the light",
    "total_target_minutes": 2,
    "sections": [
        {
            "title": "The lamp",
            "summary": "How the light is made.",
            "target_minutes": 1,
            "key_points": ["lens", "flame"],
        },
        {
            "title": "The keeper",
            "summary": "Who tends it.",
            "target_minutes": 1,
            "key_points": ["night watch"],
        },
    ],
}
SECTION = {"title": "The lamp", "sentences": ["A great lens bends the light.", "It turns."]}


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


def openai_writer(fake: FakeOpenAI, *, timeout: float = 5.0, attempts: int = 2) -> OpenAIWriter:
    return OpenAIWriter(
        OpenAISettings(
            base_url=fake.url,
            api_key="sk-test",
            model="fake-model",
            timeout=timeout,
            retry=RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=2.0),
        )
    )


@pytest.fixture
async def service_with(
    start_script: StartScript,
) -> Callable[..., Awaitable[ScriptService]]:
    async def start(writer: OpenAIWriter, deadline: float = 20.0) -> ScriptService:
        return await start_script(writer=writer, config=ScriptConfig(llm_deadline=deadline))

    return start


async def generate(client: ScriptClient, service: ScriptService) -> tuple[uuid.UUID, float, object]:
    pid = await client.project()
    job = uuid.uuid4()
    started = time.monotonic()
    await client.ok(
        "start_generation",
        StartGeneration(
            command_id=str(uuid.uuid4()),
            now=now(),
            project_id=pid,
            job_id=job,
            project_version=PROJECT_VERSION,
        ),
    )
    end = await run_end(service, job, within=30)
    return pid, time.monotonic() - started, end


async def assert_released(client: ScriptClient, pid: uuid.UUID) -> None:
    """The project takes a new run: the failed one let go of it."""
    reply = await client.script(
        "start_generation",
        StartGeneration(
            command_id=str(uuid.uuid4()), now=now(), project_id=pid, job_id=uuid.uuid4()
        ),
    )
    assert not isinstance(reply, CommandRejected), reply


async def test_a_model_that_times_out_fails_the_run_with_the_reason(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(Reply(content="{}", delay=10), Reply(content="{}", delay=10))
    service = await service_with(openai_writer(fake, timeout=0.3, attempts=2))
    pid, took, end = await generate(client, service)
    assert isinstance(end, GenerationFailed)
    assert end.code == "llm_unavailable"
    assert "outline" in end.message
    assert "0.3" in end.message
    assert took < 10
    await assert_released(client, pid)


async def test_our_deadline_cuts_off_a_model_slower_than_its_own_timeout(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(Reply(content="{}", delay=30))
    service = await service_with(openai_writer(fake, timeout=60, attempts=1), deadline=1.0)
    pid, took, end = await generate(client, service)
    assert isinstance(end, GenerationFailed)
    assert "did not finish the outline within 1 s" in end.message
    assert took < 10
    await assert_released(client, pid)


async def test_malformed_json_twice_fails_the_run_as_unusable_output(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(Reply(content="{not json"), Reply(content="still { not json"))
    service = await service_with(openai_writer(fake))
    pid, _, end = await generate(client, service)
    assert isinstance(end, GenerationFailed)
    assert end.code == "llm_output_invalid"
    assert "was not usable" in end.message
    await assert_released(client, pid)


async def test_500s_until_the_attempts_run_out_fail_the_run_mid_way(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(answer(OUTLINE), answer(SECTION), error(500), error(500), error(500))
    service = await service_with(openai_writer(fake, attempts=3))
    pid, _, end = await generate(client, service)
    assert isinstance(end, GenerationFailed)
    assert (end.code, end.section_index) == ("llm_unavailable", 1)
    assert "500" in end.message
    assert "section 2 of 2" in end.message
    await assert_released(client, pid)


async def test_429_and_a_malformed_answer_are_recovered_from(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(
        error(429, **{"Retry-After": "0"}),
        answer(OUTLINE),
        Reply(content="{broken"),
        answer(SECTION),  # one corrective retry, then fine
        error(503),
        answer({**SECTION, "title": "The keeper"}),
    )
    service = await service_with(openai_writer(fake, attempts=3))
    _, _, end = await generate(client, service)
    assert isinstance(end, GenerationCompleted)
    assert end.total_sentences == 4
    # Every prompt carried the cast description learned from the project's events.
    prompts = [seen.messages_text for seen in fake.seen]
    assert len(prompts) == 6
    assert all(CAST_DESCRIPTION in p for p in prompts)


async def test_a_synchronous_request_answers_unavailable_instead_of_hanging(
    fake: FakeOpenAI, service_with: Any, client: ScriptClient
) -> None:
    fake.script(error(500), error(502))
    await service_with(openai_writer(fake, attempts=2))
    pid = await client.project()
    started = time.monotonic()
    reply = await client.script(
        "quick_generate", QuickGenerate(command_id=str(uuid.uuid4()), now=now(), project_id=pid)
    )
    assert isinstance(reply, CommandRejected)
    assert reply.code == "unavailable"
    assert "language model" in reply.message
    assert "502" in reply.message
    assert time.monotonic() - started < 10

"""A script writer on any OpenAI-compatible chat API (OpenAI, Ollama, vLLM, llama.cpp).

Two loops, kept apart: `_complete` retries the *transport* (timeouts, 429, 5xx, with
backoff; `LLMUnavailable` at the end), and `_ask` retries the *answer* once, showing the
model what was wrong with it (`LLMOutputInvalid` if the second answer is wrong too).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import msgspec
import openai
import structlog
from openai.types.chat import ChatCompletion
from openai.types.shared_params import ResponseFormatJSONSchema

from videogen_providers.llm import prompts
from videogen_providers.llm.base import (
    Brief,
    OutlineDraft,
    OutlineSection,
    SectionScript,
    TokenUsage,
    Written,
    check_index,
)
from videogen_providers.llm.errors import LLMOutputInvalid, LLMUnavailable
from videogen_providers.llm.retry import RetryPolicy, is_retryable_status, retry_after_seconds
from videogen_providers.llm.structured import (
    InvalidOutput,
    SectionsPayload,
    SentencesPayload,
    decode,
    strict_schema,
)

T = TypeVar("T")
log = structlog.get_logger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
PROVIDER = "openai"
# Local servers (Ollama, llama.cpp) ignore the key, but the SDK insists on having one.
NO_KEY = "not-needed"


class OpenAISettings(msgspec.Struct, frozen=True, kw_only=True):
    base_url: str | None = None
    api_key: str | None = None
    model: str = DEFAULT_MODEL
    timeout: float = 60.0
    retry: RetryPolicy = RetryPolicy()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> OpenAISettings:
        retry = RetryPolicy(max_attempts=int(environ.get("VIDEOGEN_LLM_MAX_ATTEMPTS", "4")))
        return cls(
            base_url=environ.get("OPENAI_BASE_URL") or None,
            api_key=environ.get("OPENAI_API_KEY") or None,
            model=environ.get("VIDEOGEN_LLM_MODEL") or DEFAULT_MODEL,
            timeout=float(environ.get("VIDEOGEN_LLM_TIMEOUT", "60")), retry=retry,
        )


class _Failure(msgspec.Struct, frozen=True):
    reason: str
    status: int | None = None
    retry_after: float | None = None


class OpenAIWriter:
    def __init__(
        self, settings: OpenAISettings, *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or NO_KEY,
            timeout=settings.timeout,
            max_retries=0,  # the retry policy is ours: see `_complete`
        )
        self.provider_label = f"{PROVIDER}:{settings.model}"

    async def outline(self, brief: Brief) -> Written[OutlineDraft]:
        return await self._ask(prompts.outline(brief), OutlineDraft)

    async def section_script(
        self, brief: Brief, outline_section: OutlineSection, previous_titles: Sequence[str]
    ) -> Written[SectionScript]:
        messages = prompts.section_script(brief, outline_section, previous_titles)
        return await self._ask(messages, SectionScript)

    async def quick_script(self, brief: Brief) -> Written[list[SectionScript]]:
        written = await self._ask(prompts.quick_script(brief), SectionsPayload)
        return self._written(written.value.sections, written.usage)

    async def expand(
        self, brief: Brief, section_title: str, existing_sentences: Sequence[str], count: int
    ) -> Written[list[str]]:
        if count <= 0:
            return self._written([], self._usage(None))
        messages = prompts.expand(brief, section_title, existing_sentences, count)
        written = await self._ask(messages, SentencesPayload)
        # A model asked for exactly `count` may still give more; the extra ones are dropped.
        return self._written(written.value.sentences[:count], written.usage)

    async def regenerate_section(
        self, brief: Brief, outline: OutlineDraft, index: int, instructions: str | None
    ) -> Written[OutlineSection]:
        check_index(outline, index)
        messages = prompts.regenerate_section(brief, outline, index, instructions)
        return await self._ask(messages, OutlineSection)

    async def aclose(self) -> None:
        await self._client.close()

    async def _ask(self, messages: prompts.Messages, kind: type[T]) -> Written[T]:
        """The answer decoded into `kind`; one more chance, with the error, if it is not."""
        schema = strict_schema(kind)
        usage: TokenUsage | None = None
        for attempt in (1, 2):
            completion = await self._complete(messages, kind.__name__, schema)
            paid = self._usage(completion)
            usage = paid if usage is None else usage.plus(paid)
            try:
                return self._written(_decoded(completion, kind), usage)
            except InvalidOutput as problem:
                if attempt == 2:
                    raise LLMOutputInvalid(
                        f"{self.provider_label} answered twice without a valid "
                        f"{kind.__name__}: {problem}",
                        content=_content(completion),
                        usage=usage,
                    ) from problem
                log.warning("llm_output_invalid", schema=kind.__name__, problem=str(problem))
                messages = prompts.correction(messages, _content(completion), str(problem))
        raise AssertionError("unreachable: the loop returns or raises")

    async def chat(
        self, messages: prompts.Messages, *, model: str | None = None,
        temperature: float | None = None,
    ) -> ChatCompletion:
        """One free-text completion (no schema), with the same transport retries; for
        writers whose answers have their own format (the Manim writer's tags)."""
        return await self._complete(messages, "", None, model=model, temperature=temperature)

    async def _complete(
        self, messages: prompts.Messages, name: str, schema: dict[str, Any] | None, *,
        model: str | None = None, temperature: float | None = None,
    ) -> ChatCompletion:
        """One completion, retried on timeouts, 429 and 5xx up to the policy's attempts."""
        policy = self._settings.retry
        for attempt in range(1, policy.max_attempts + 1):
            try:
                return await self._create(messages, name, schema, model, temperature)
            except (TimeoutError, openai.APIConnectionError, openai.APIStatusError) as error:
                failure = self._classify(error)
            delay = policy.delay(attempt, failure.retry_after, self._rng)
            if attempt == policy.max_attempts or delay is None:
                raise LLMUnavailable(
                    f"{self.provider_label}: {failure.reason} (after {attempt} attempts)",
                    status=failure.status, attempts=attempt,
                )
            log.warning("llm_retry", attempt=attempt, delay=round(delay, 3), reason=failure.reason)
            await self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _create(
        self, messages: prompts.Messages, name: str, schema: dict[str, Any] | None,
        model: str | None, temperature: float | None,
    ) -> ChatCompletion:
        response_format = openai.omit if schema is None else ResponseFormatJSONSchema(
            type="json_schema", json_schema={"name": name, "schema": schema, "strict": True}
        )
        # The SDK's own timeout covers each read; this bounds the whole call, however slowly
        # a server trickles its bytes.
        async with asyncio.timeout(self._settings.timeout):
            return await self._client.chat.completions.create(
                model=model or self._settings.model, messages=messages,
                response_format=response_format, timeout=self._settings.timeout,
                temperature=openai.omit if temperature is None else temperature,
            )

    def _classify(self, error: Exception) -> _Failure:
        """What went wrong, or `LLMUnavailable` at once when retrying cannot help (401, 400)."""
        if isinstance(error, TimeoutError | openai.APITimeoutError):
            return _Failure(f"no answer within {self._settings.timeout:g}s")
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            reason = f"HTTP {status}: {error.message}"
            if not is_retryable_status(status):
                raise LLMUnavailable(f"{self.provider_label}: {reason}", status=status) from error
            return _Failure(reason, status, retry_after_seconds(error.response.headers))
        return _Failure(f"connection failed: {error}")

    def _usage(self, completion: ChatCompletion | None) -> TokenUsage:
        counted = completion.usage if completion is not None else None
        return TokenUsage(
            prompt_tokens=counted.prompt_tokens if counted else 0,
            completion_tokens=counted.completion_tokens if counted else 0,
            model=(completion.model if completion is not None else "") or self._settings.model,
            provider=PROVIDER,
        )

    def _written(self, value: T, usage: TokenUsage) -> Written[T]:
        return Written(value=value, usage=usage, provider_label=self.provider_label)


def _content(completion: ChatCompletion) -> str | None:
    return completion.choices[0].message.content if completion.choices else None


def _decoded(completion: ChatCompletion, kind: type[T]) -> T:
    choice = completion.choices[0] if completion.choices else None
    if choice is not None and choice.message.content is None and choice.message.refusal:
        raise InvalidOutput(f"the model refused: {choice.message.refusal}")
    if choice is not None and choice.finish_reason == "length":
        raise InvalidOutput("the reply was cut off at the token limit; answer more briefly")
    return decode(_content(completion), kind)

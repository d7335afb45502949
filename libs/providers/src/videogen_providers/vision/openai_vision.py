"""A vision scorer on any OpenAI-compatible chat API that takes images (`image_url` parts
with data URLs): OpenAI, Gemini's OpenAI-compatible endpoint, vLLM, Ollama, llama.cpp.

Two loops, as in the script writer: `_complete` retries the transport (timeouts, 429 and
5xx, with backoff and `Retry-After`; `VendorUnavailable` at the end, `VendorAuthFailed` at
once on 401/403, `VendorRejected` at once on another 4xx), and `score` asks once more when
the answer is not the JSON asked for, showing the model what was wrong with it
(`VisionAnswerInvalid` if the second answer is wrong too).
"""

from __future__ import annotations

import asyncio
import base64
import random
from collections.abc import Awaitable, Callable
from typing import Any

import openai
import structlog
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from videogen_providers.llm.retry import is_retryable_status, retry_after_seconds
from videogen_providers.llm.structured import InvalidOutput, decode, strict_schema
from videogen_providers.vendor_errors import (
    VendorAuthFailed,
    VendorError,
    VendorRejected,
    VendorUnavailable,
)
from videogen_providers.vision.base import VisionRequest, VisionScore
from videogen_providers.vision.settings import VisionSettings

log = structlog.get_logger(__name__)
NO_KEY = "not-needed"  # local servers ignore the key; the SDK insists on one
SCHEMA = strict_schema(VisionScore)

SYSTEM = (
    "You judge AI edits of video frames. You see the original frame and the edited frame; "
    "the edit was asked for inside one box and the rest of the frame must stay untouched. "
    "Rate on this scale, a word followed by a figure from 0 to 1 in parentheses: "
    "excellent (0.85 or more), good (0.60 or more), fair (0.30 or more), poor. "
    "Answer with one JSON object matching the schema: overall_rating, fidelity_to_prompt "
    "and visual_quality are ratings on that scale; details says what you saw, in two or "
    "three sentences."
)


class VisionAnswerInvalid(VendorError):
    """The model answered twice, and neither answer was the score asked for."""


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def messages_for(request: VisionRequest) -> list[ChatCompletionMessageParam]:
    x, y, width, height = request.box
    basis = (f"Judge how well the edit does what was asked: {request.prompt!r}."
             if request.compare_to == "prompt" else
             "Judge the edit against the original: how much the box changed, and whether "
             f"the rest is untouched (the edit asked for: {request.prompt!r}).")  # fmt: skip
    text = (f"The box is x={x}, y={y}, width={width}, height={height} pixels. {basis}"
            + (f" Measured offline: {request.measured}" if request.measured else ""))
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": [
            {"type": "text", "text": text},
            {"type": "text", "text": "The original frame:"},
            {"type": "image_url", "image_url": {"url": _data_url(request.original_jpeg)}},
            {"type": "text", "text": "The edited frame:"},
            {"type": "image_url", "image_url": {"url": _data_url(request.variant_jpeg)}},
        ]},
    ]  # fmt: skip


def _score_of(completion: ChatCompletion) -> VisionScore:
    choice = completion.choices[0] if completion.choices else None
    if choice is not None and choice.message.content is None and choice.message.refusal:
        raise InvalidOutput(f"the model refused: {choice.message.refusal}")
    score = decode(choice.message.content if choice else None, VisionScore)
    blank = [name for name in VisionScore.__struct_fields__ if not getattr(score, name).strip()]
    if blank:
        raise InvalidOutput(f"{', '.join(blank)} must not be blank")
    return score


class OpenAIVisionScorer:
    def __init__(
        self, settings: VisionSettings, *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url, api_key=settings.api_key or NO_KEY,
            timeout=settings.timeout, max_retries=0,  # the retry policy is ours
        )

    @property
    def name(self) -> str:
        return self._settings.label

    async def aclose(self) -> None:
        await self._client.close()

    async def score(self, request: VisionRequest) -> VisionScore:
        messages = messages_for(request)
        for attempt in (1, 2):
            completion = await self._complete(messages)
            try:
                return _score_of(completion)
            except InvalidOutput as problem:
                if attempt == 2:
                    raise VisionAnswerInvalid(
                        self.name, f"answered twice without a valid score: {problem}"
                    ) from problem
                log.warning("vision_output_invalid", problem=str(problem))
                content = completion.choices[0].message.content if completion.choices else ""
                messages = [*messages, {"role": "assistant", "content": content or ""},
                            {"role": "user", "content": f"That answer was not valid: {problem}."
                             " Answer again with only the JSON object."}]  # fmt: skip
        raise AssertionError("unreachable: the loop returns or raises")

    async def _complete(self, messages: list[ChatCompletionMessageParam]) -> ChatCompletion:
        policy = self._settings.retry
        for attempt in range(1, policy.max_attempts + 1):
            try:
                return await self._create(messages)
            except (TimeoutError, openai.APIConnectionError, openai.APIStatusError) as error:
                reason, status, retry_after = self._classify(error)
            delay = policy.delay(attempt, retry_after, self._rng)
            if attempt == policy.max_attempts or delay is None:
                raise VendorUnavailable(self.name, f"{reason} (after {attempt} attempts)", status)
            log.warning("vision_retry", attempt=attempt, delay=round(delay, 3), reason=reason)
            await self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _create(self, messages: list[ChatCompletionMessageParam]) -> ChatCompletion:
        response_format = ResponseFormatJSONSchema(type="json_schema", json_schema={
            "name": "VariantScore", "schema": SCHEMA, "strict": True,
        })  # fmt: skip
        # The SDK's timeout covers each read; this bounds the whole call.
        async with asyncio.timeout(self._settings.timeout):
            return await self._client.chat.completions.create(
                model=self._settings.model, messages=messages, response_format=response_format,
                timeout=self._settings.timeout,
            )

    def _classify(self, error: Exception) -> tuple[str, int | None, float | None]:
        """(why, HTTP status, Retry-After), or the typed error at once when retrying cannot help."""
        if isinstance(error, TimeoutError | openai.APITimeoutError):
            return f"no answer within {self._settings.timeout:g}s", None, None
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            if status in (401, 403):
                raise VendorAuthFailed(self.name, error.message, status) from error
            if not is_retryable_status(status):
                raise VendorRejected(self.name, error.message, status) from error
            headers: Any = error.response.headers
            return f"HTTP {status}: {error.message}", status, retry_after_seconds(headers)
        return f"connection failed: {error}", None, None

"""Calling the script writer so that a broken model fails clearly and never hangs.

The OpenAI writer already has a per-call timeout and bounded retries; `WriterCalls` adds
one overall deadline per call on top (a slow trickle of bytes, a retry budget set too
high), and turns every way the writer fails into `WriterFailed` with a stable code and a
sentence a person can act on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from videogen_contracts.script.events import LLMUsage
from videogen_contracts.script.outline import OutlineSectionPlan
from videogen_providers.llm.base import OutlineSection, ScriptWriter, TokenUsage, Written
from videogen_providers.llm.errors import LLMOutputInvalid, LLMUnavailable

T = TypeVar("T")

DEFAULT_DEADLINE = 300.0


class WriterFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def llm_usage(usage: TokenUsage) -> LLMUsage:
    return LLMUsage(
        prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
        model=usage.model, provider=usage.provider,
    )


class WriterCalls:
    def __init__(self, writer: ScriptWriter, deadline: float = DEFAULT_DEADLINE) -> None:
        self.writer = writer
        self.deadline = deadline

    @property
    def provider_label(self) -> str:
        return self.writer.provider_label

    async def call(self, what: str, call: Awaitable[Written[T]]) -> Written[T]:
        """Await the writer's answer for `what` ("the outline"); raise `WriterFailed`."""
        try:
            async with asyncio.timeout(self.deadline):
                return await call
        except TimeoutError:
            raise WriterFailed(
                "llm_unavailable",
                f"The language model did not finish {what} within {self.deadline:g} s.",
            ) from None
        except LLMUnavailable as error:
            # The reason names the provider and how many attempts were made.
            raise WriterFailed(
                "llm_unavailable", f"The language model could not write {what}: {error.reason}."
            ) from None
        except LLMOutputInvalid as error:
            raise WriterFailed(
                "llm_output_invalid",
                f"The language model's answer for {what} was not usable: {error.reason}",
            ) from None


def plan_of(section: OutlineSection) -> OutlineSectionPlan:
    return OutlineSectionPlan(
        title=section.title, summary=section.summary, target_minutes=section.target_minutes,
        key_points=list(section.key_points),
    )


def section_of(plan: OutlineSectionPlan) -> OutlineSection:
    return OutlineSection(
        title=plan.title, summary=plan.summary, target_minutes=plan.target_minutes,
        key_points=list(plan.key_points),
    )

"""The port the script service's workers write through, with its typed inputs and results.

Every call returns `Written[T]`: the content, the token usage of the call (retries
included) and the label of the provider that wrote it ("offline" or "openai:<model>"), so
the events a worker records can say who wrote what and at what cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import msgspec

T = TypeVar("T")

WORDS_PER_MINUTE = 150
"""Narration pace: about 150 spoken words per minute."""


class CastMember(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str | None = None
    role: str | None = None


class Brief(msgspec.Struct, frozen=True, kw_only=True):
    """What the project asks for; every prompt carries all of it, cast descriptions included."""

    topic: str
    target_minutes: float = 5.0
    audience: str | None = None
    goal: str | None = None
    tone: str | None = None
    language: str = "en"
    style: str | None = None
    description: str | None = None
    cast: list[CastMember] = msgspec.field(default_factory=list)


class OutlineSection(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    summary: str
    target_minutes: float
    key_points: list[str]


class OutlineDraft(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    total_target_minutes: float
    sections: list[OutlineSection]


class SectionScript(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    sentences: list[str]


class TokenUsage(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int
    completion_tokens: int
    model: str
    provider: str

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def plus(self, other: TokenUsage) -> TokenUsage:
        """Both calls' tokens (a retried answer costs twice), under the later model name."""
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            model=other.model or self.model, provider=other.provider or self.provider,
        )


class Written(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """A writer's result: the content, what it cost, and who wrote it."""

    value: T
    usage: TokenUsage
    provider_label: str


class ScriptWriter(Protocol):
    """Writes outlines and narration; implementations must be safe to share across tasks."""

    @property
    def provider_label(self) -> str: ...

    async def outline(self, brief: Brief) -> Written[OutlineDraft]: ...

    async def section_script(
        self, brief: Brief, outline_section: OutlineSection, previous_titles: Sequence[str]
    ) -> Written[SectionScript]: ...

    async def quick_script(self, brief: Brief) -> Written[list[SectionScript]]: ...

    async def expand(
        self, brief: Brief, section_title: str, existing_sentences: Sequence[str], count: int
    ) -> Written[list[str]]: ...

    async def regenerate_section(
        self, brief: Brief, outline: OutlineDraft, index: int, instructions: str | None
    ) -> Written[OutlineSection]: ...

    async def aclose(self) -> None: ...


def spoken_words(minutes: float) -> int:
    return max(1, round(minutes * WORDS_PER_MINUTE))


SENTENCE_WORDS = 15
"""Average narration sentence length the writers aim for (one sentence = one scene)."""


def sentence_budget(minutes: float) -> int:
    """How many narration sentences fill `minutes` at the narration pace (at least two)."""
    return max(2, round(spoken_words(minutes) / SENTENCE_WORDS))


def section_budget(minutes: float) -> int:
    """How many sections an outline of `minutes` gets: about one per 1.5 minutes, 2 to 12."""
    return min(12, max(2, round(minutes / 1.5)))


def check_index(outline: OutlineDraft, index: int) -> None:
    if not 0 <= index < len(outline.sections):
        raise IndexError(f"section index {index} outside 0..{len(outline.sections) - 1}")

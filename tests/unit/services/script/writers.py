"""Script writers for tests: the real offline writer, counted, with failures on demand."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from videogen_providers.llm.base import (
    Brief,
    OutlineDraft,
    OutlineSection,
    SectionScript,
    Written,
)
from videogen_providers.llm.errors import LLMOutputInvalid, LLMUnavailable
from videogen_providers.llm.offline import OfflineWriter


class CountingWriter:
    """The offline writer; counts calls per method and fails the ones told to.

    `failures[method]` is raised on that method's calls (from call number `fail_from` on);
    `hang` makes those calls wait for ever instead (a model that never answers).
    """

    provider_label = "offline"

    def __init__(
        self,
        failures: dict[str, Exception] | None = None,
        *,
        fail_from: int = 1,
        hang: Sequence[str] = (),
    ) -> None:
        self.inner = OfflineWriter()
        self.calls: Counter[str] = Counter()
        self.briefs: list[Brief] = []
        self.failures = failures or {}
        self.fail_from = fail_from
        self.hang = set(hang)

    async def _enter(self, method: str, brief: Brief) -> None:
        self.calls[method] += 1
        self.briefs.append(brief)
        if method in self.hang:
            await asyncio.Event().wait()
        failure = self.failures.get(method)
        if failure is not None and self.calls[method] >= self.fail_from:
            raise failure

    async def outline(self, brief: Brief) -> Written[OutlineDraft]:
        await self._enter("outline", brief)
        return await self.inner.outline(brief)

    async def section_script(
        self, brief: Brief, outline_section: OutlineSection, previous_titles: Sequence[str]
    ) -> Written[SectionScript]:
        await self._enter("section_script", brief)
        return await self.inner.section_script(brief, outline_section, previous_titles)

    async def quick_script(self, brief: Brief) -> Written[list[SectionScript]]:
        await self._enter("quick_script", brief)
        return await self.inner.quick_script(brief)

    async def expand(
        self, brief: Brief, section_title: str, existing_sentences: Sequence[str], count: int
    ) -> Written[list[str]]:
        await self._enter("expand", brief)
        return await self.inner.expand(brief, section_title, existing_sentences, count)

    async def regenerate_section(
        self, brief: Brief, outline: OutlineDraft, index: int, instructions: str | None
    ) -> Written[OutlineSection]:
        await self._enter("regenerate_section", brief)
        return await self.inner.regenerate_section(brief, outline, index, instructions)

    async def aclose(self) -> None:
        return None


def unavailable(reason: str = "HTTP 500 from the model", attempts: int = 4) -> LLMUnavailable:
    return LLMUnavailable(reason, status=500, attempts=attempts)


def malformed(reason: str = "not valid JSON") -> LLMOutputInvalid:
    return LLMOutputInvalid(reason, content="{oops")

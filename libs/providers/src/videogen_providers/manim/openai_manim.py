"""The Manim writer on any OpenAI-compatible chat API, with the original's answer formats.

The transport (client, timeouts, retries of 429/5xx with backoff) is `OpenAIWriter.chat`'s;
this module owns the *answer*: each reply is read strictly (formats.py), and a reply in the
wrong format is asked for once more, showing the model what was wrong. A second bad reply,
or a vendor that cannot be reached, is a `ManimWriterError` naming the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import structlog
from videogen_contracts.script.manim import SceneImplementation, ScenePlan
from videogen_text.manim_plan import format_scene, format_scene_outline

from videogen_providers.llm.errors import LLMUnavailable
from videogen_providers.llm.openai_writer import PROVIDER, OpenAISettings, OpenAIWriter
from videogen_providers.llm.prompts import Messages, correction
from videogen_providers.manim import formats, prompts
from videogen_providers.manim.writer import CodeDraft, ManimWriterError, PlanDraft

T = TypeVar("T")
log = structlog.get_logger(__name__)


class OpenAIManimWriter:
    def __init__(self, settings: OpenAISettings, *, chat: OpenAIWriter | None = None) -> None:
        self._chat = chat or OpenAIWriter(settings)
        self.name = f"{PROVIDER}:{settings.model}"

    async def plan(
        self, topic: str, description: str, scene_count: int | None, *,
        model: str | None = None, temperature: float = 0.7,
    ) -> PlanDraft:
        messages = prompts.plan(topic, description, scene_count)
        scenes, raw = await self._ask(
            messages, "a plan", lambda text: formats.read_plan(text, scene_count),
            model=model, temperature=temperature,
        )
        return PlanDraft(plan_xml=format_scene_outline(scenes), scenes=scenes, raw_response=raw)

    async def implement(
        self, topic: str, description: str, plan_xml: str, scene: ScenePlan, *,
        model: str | None = None,
    ) -> SceneImplementation:
        # Each part is fed forward into the next, as the original's agents do.
        ask = prompts.SceneAsk(
            topic=topic, description=description, plan_xml=plan_xml,
            outline=format_scene(scene), scene_number=scene.scene_number,
        )
        board, _ = await self._ask(
            prompts.storyboard(ask), "a storyboard", _tagged(formats.STORYBOARD_TAG),
            model=model,
        )
        tech, _ = await self._ask(
            prompts.technical(ask, board), "a technical plan", _tagged(formats.TECHNICAL_TAG),
            model=model,
        )
        (animation, spoken), _ = await self._ask(
            prompts.narration(ask, board, tech), "a narration plan", _narration_plan,
            model=model,
        )
        return SceneImplementation(
            scene_number=scene.scene_number, storyboard=board, technical_implementation=tech,
            animation_narration=animation, narration=spoken,
        )

    async def code(
        self, topic: str, description: str, scene_outline: str, implementation: str,
        scene_number: int, *, model: str | None = None,
    ) -> CodeDraft:
        messages = prompts.code(topic, description, scene_outline, implementation, scene_number)
        return await self._code(messages, scene_number, model)

    async def fix(
        self, topic: str, description: str, code: str, error: str, scene_number: int,
        implementation: str, *, model: str | None = None,
    ) -> CodeDraft:
        messages = prompts.fix(topic, description, code, error, scene_number, implementation)
        return await self._code(messages, scene_number, model)

    async def edit(
        self, topic: str, code: str, edit_prompt: str, scene_number: int, *,
        model: str | None = None,
    ) -> CodeDraft:
        messages = prompts.edit(topic, code, edit_prompt, scene_number)
        return await self._code(messages, scene_number, model)

    async def aclose(self) -> None:
        await self._chat.aclose()

    async def _code(self, messages: Messages, scene_number: int, model: str | None) -> CodeDraft:
        code, raw = await self._ask(
            messages, "code", lambda text: formats.read_code(text, scene_number), model=model
        )
        return CodeDraft(code=code, raw_response=raw)

    async def _ask(
        self, messages: Messages, what: str, read: Callable[[str], T], *,
        model: str | None = None, temperature: float | None = None,
    ) -> tuple[T, str]:
        """What `read` makes of the reply, and the reply; one re-ask on a bad format."""
        for attempt in (1, 2):
            try:
                completion = await self._chat.chat(messages, model=model, temperature=temperature)
            except LLMUnavailable as error:
                raise ManimWriterError(error.reason) from error
            choice = completion.choices[0] if completion.choices else None
            content = (choice.message.content if choice is not None else None) or ""
            try:
                return read(content), content
            except formats.BadFormat as problem:
                if attempt == 2:
                    raise ManimWriterError(
                        f"{self.name} answered twice without {what} in the asked format: "
                        f"{problem}"
                    ) from problem
                log.warning("manim_writer_bad_format", what=what, problem=str(problem))
                messages = correction(messages, content, str(problem), reask=prompts.FORMAT_REASK)
        raise AssertionError("unreachable: the loop returns or raises")


def _tagged(tag: str) -> Callable[[str], str]:
    return lambda text: formats.read_tagged(text, tag)


def _narration_plan(text: str) -> tuple[str, str]:
    plan = formats.read_tagged(text, formats.NARRATION_TAG)
    return plan, formats.read_narration(plan)

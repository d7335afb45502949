"""The fix loop end to end: a stack whose `OPENAI_BASE_URL` is a local fake of
`/v1/chat/completions` that plans one scene, writes its code with a NameError, and, asked
to fix it with the render's error, answers good code. The scene's version 1 fails with the
NameError in its error, that error reaches the model, and version 2 is rendered; a model
that never fixes its code fails the task naming the scene and the error after
`max_retries` fixes.

The fake answers by what each prompt asks for (the writer's prompts name their output
format: `<SCENE_OUTLINE>`, one implementation part, or `<CODE>`), not by call order, since
the implementation parts are asked for concurrently."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from videogen_contracts.script.manim import manim_session_stream_id
from videogen_local.stack import Stack

from tests.conftest import StackFactory
from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, Seen, serve

from .conftest import (
    GENERATE,
    TASK_ENDED,
    TASKS,
    decode,
    download,
    frames_between,
    not_blank,
    ok,
    problem,
    read_feed,
)
from .conftest import wait_task as wait

pytestmark = pytest.mark.slow

UNDEFINED = "undefined_glyph_xyz"
# A topic the fake never writes good code for.
HOPELESS = "hopeless topic"
IMPLEMENTATION_TAGS = (
    "SCENE_VISION_STORYBOARD_PLAN", "SCENE_TECHNICAL_IMPLEMENTATION_PLAN",
    "SCENE_ANIMATION_NARRATION_PLAN",
)
PLAN = """```xml
<SCENE_OUTLINE>
<SCENE_1>
Scene Title: The area of a circle
Scene Purpose: Show where pi r squared comes from
Scene Description: A circle is cut into thin sectors that are laid out as a rectangle.
Scene Layout: The circle in the centre, the formula below it.
</SCENE_1>
</SCENE_OUTLINE>
```"""
GOOD = """from manim import *


class Scene1(Scene):
    def construct(self):
        circle = Circle(radius=1.5, color=BLUE, fill_opacity=0.6)
        label = Text("A = pi r^2", font_size=36).next_to(circle, DOWN)
        self.play(Create(circle), run_time=0.8)
        self.play(Write(label), run_time=0.6)
        self.wait(0.4)
"""
BROKEN = GOOD.replace('self.play(Write(label), run_time=0.6)',
                      f'self.play(Write({UNDEFINED}), run_time=0.6)')


def fenced_code(code: str) -> str:
    return f"<CODE>\n```python\n{code}```\n</CODE>"


class FakeManimModel(FakeOpenAI):
    """Answers each prompt with what it asks for; broken code first, good code to a fix."""

    def next_reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
        text = seen.messages_text
        if "<CODE>" in text:
            fixing = UNDEFINED in text and HOPELESS not in text
            return Reply(content=fenced_code(GOOD if fixing else BROKEN))
        asked = [(text.rfind(tag), tag) for tag in IMPLEMENTATION_TAGS if tag in text]
        if asked:
            tag = max(asked)[1]
            return Reply(content=f"```xml\n<{tag}>\n[NARRATION]\nA blue circle appears. Its "
                                 f"area is pi r squared.\n</{tag}>\n```")
        return Reply(content=PLAN)

    def code_prompts(self, topic: str) -> list[str]:
        """The code and fix prompts of the task about `topic`, in order."""
        return [s.messages_text for s in self.seen
                if "<CODE>" in s.messages_text and prompt_of(topic) in s.messages_text]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeManimModel]:
    model = FakeManimModel()
    for _ in serve(model):
        yield model


@pytest.fixture(scope="module")
def llm_stack(stack_factory: StackFactory, fake: FakeManimModel) -> Stack:
    return stack_factory(OPENAI_BASE_URL=fake.url, OPENAI_API_KEY="e2e-key",
                         VIDEOGEN_LLM_MAX_ATTEMPTS="2")


@pytest.fixture
async def llm_api(llm_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=llm_stack.base_url, timeout=120) as client:
        yield client


async def session_events(stack: Stack, session_id: str) -> list[dict[str, Any]]:
    """The session's log in the script service's own schema, in order."""
    schema = f'{stack.env["VIDEOGEN_NAMESPACE"]}_script'
    conn = await asyncpg.connect(stack.env["VIDEOGEN_DATABASE_URL"])
    try:
        rows = await conn.fetch(
            f'SELECT type, data::text AS data FROM "{schema}".events WHERE stream_id = $1 '
            "ORDER BY stream_version", manim_session_stream_id(session_id))
    finally:
        await conn.close()
    return [{"type": r["type"], **json.loads(r["data"])} for r in rows]


def prompt_of(topic: str) -> str:
    return f"Explain the {topic} in one scene"


async def generate(api: httpx.AsyncClient, topic: str, max_retries: int) -> dict[str, Any]:
    return ok(await api.post(GENERATE, json={
        "project_id": "fix_loop", "content_prompt": prompt_of(topic),
        "scene_count": 1,
        "render_config": {"quality": "preview", "max_retries": max_retries, "narration": False},
    }))


async def test_a_broken_first_code_is_fixed_with_the_render_error(
    llm_api: httpx.AsyncClient, llm_stack: Stack, fake: FakeManimModel, tmp_path: Path
) -> None:
    started = await generate(llm_api, "area of a circle", max_retries=2)
    statuses = await wait(llm_api, started["task_id"])
    assert statuses[-1]["status"] == "completed", statuses[-1]
    result = ok(await llm_api.get(f"{TASKS}/{started['task_id']}/result"))
    [scene] = result["scenes"]
    assert (scene["scene_number"], scene["version"]) == (1, 2), scene

    events = await session_events(llm_stack, started["session_id"])
    written = [(e["version"], e["reason"]) for e in events if e["type"] == "CodeWritten"]
    assert written == [(1, "written"), (2, "fixed")], written
    [failed] = [e for e in events if e["type"] == "SceneRenderFailed"]
    assert failed["version"] == 1
    assert "NameError" in failed["error"], failed["error"]
    assert UNDEFINED in failed["error"], failed["error"]
    rendered = [e["version"] for e in events if e["type"] == "SceneRendered"]
    assert rendered == [2], rendered
    # What a client of the task's live feed saw: the first render failed with the
    # NameError, the next one completed.
    feed = await asyncio.wait_for(read_feed(
        llm_api, f"{TASKS}/{started['task_id']}/events",
        until=lambda m: m.event in TASK_ENDED), 60)
    renders = [m.data for m in feed if m.event == "job" and m.data["kind"] == "render"
               and m.data["status"] in ("completed", "failed")]
    assert [r["status"] for r in renders] == ["failed", "completed"], renders
    assert "NameError" in renders[0]["error"], renders[0]

    # The model was asked for code once, then for a fix that carried the render's error.
    prompts = fake.code_prompts("area of a circle")
    assert len(prompts) == 2, len(prompts)
    assert "NameError" not in prompts[0]
    assert "NameError" in prompts[1]
    assert UNDEFINED in prompts[1]
    assert all(s.headers["authorization"] == "Bearer e2e-key" for s in fake.seen)

    code = await llm_api.get(scene["code_url"])
    assert (code.status_code, code.text.strip()) == (200, GOOD.strip())
    video = await download(llm_api, scene["video_url"], tmp_path / "fixed.mp4")
    decoded = decode(video)
    assert (decoded.width, decoded.height) == (426, 240)
    assert decoded.duration == pytest.approx(scene["duration"], abs=0.1)
    assert decoded.duration == pytest.approx(1.8, abs=0.3)  # the good code's 0.8 + 0.6 + 0.4
    assert not_blank(frames_between(video, decoded.duration * 0.6, decoded.duration * 0.95))


async def test_code_never_fixed_fails_the_task_naming_the_scene_and_error(
    llm_api: httpx.AsyncClient, llm_stack: Stack, fake: FakeManimModel
) -> None:
    started = await generate(llm_api, HOPELESS, max_retries=1)
    statuses = await wait(llm_api, started["task_id"])
    final = statuses[-1]
    assert final["status"] == "failed", final
    assert re.search(r"scene 1\b", final["error"], re.I), final["error"]
    assert "NameError" in final["error"], final["error"]
    # One first code and max_retries fixes, each rendered and failed.
    assert len(fake.code_prompts(HOPELESS)) == 2
    events = await session_events(llm_stack, started["session_id"])
    assert [e["version"] for e in events if e["type"] == "SceneRenderFailed"] == [1, 2]
    assert not [e for e in events if e["type"] == "SceneRendered"]
    problem(await llm_api.get(f"{TASKS}/{started['task_id']}/result"), 409)

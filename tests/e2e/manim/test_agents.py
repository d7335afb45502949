"""Doc 003's low-level agents end to end, offline, chained as its developer example does:
plan → implement (with `plan_result["result"]["plan"]`) → code (scene 1) → render/scene →
render/combine, each a job polled on `GET /agents/jobs/{job_id}` until it is done. The
render is asked at `preview` quality (426x240 at 15 fps) and decoded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import (
    AGENTS,
    agent,
    decode,
    download,
    frames_between,
    not_blank,
    problem,
    unique,
    wait_job,
)

pytestmark = pytest.mark.slow

PREVIEW = (426, 240, 15.0)


def _scene_block(plan_xml: str, n: int) -> str:
    found = re.search(rf"<SCENE_{n}>.*?</SCENE_{n}>", plan_xml, re.S)
    assert found, f"no <SCENE_{n}> in the plan: {plan_xml!r}"
    return found.group(0)


async def _chain(api: httpx.AsyncClient, session_id: str) -> dict[str, Any]:
    """The doc's steps, as written there (its `client.post` answers are decoded with .json())."""
    plan_response = (await api.post(f"{AGENTS}/plan", json={
        "topic": "Machine Learning",
        "description": "Educational video",
        "session_id": session_id
    })).json()
    assert plan_response["state"] == "PENDING", plan_response
    assert plan_response["meta"]["session_id"] == session_id, plan_response
    # The doc reads the job once; a client polls it until it is done.
    plan_result = await wait_job(api, plan_response["job_id"])
    implement_response = (await api.post(f"{AGENTS}/implement", json={
        "topic": "Machine Learning",
        "description": "Educational video",
        "plan_xml": plan_result["result"]["plan"],
        "session_id": session_id
    })).json()
    implement_result = await wait_job(api, implement_response["job_id"])
    return {"plan": plan_result, "implement": implement_result}


async def test_plan_implement_code_render_combine(api: httpx.AsyncClient, tmp_path: Path) -> None:
    session_id = unique("custom_session")  # the doc's, made this test's own
    chained = await _chain(api, session_id)
    plan = chained["plan"]
    assert plan["status"] == "completed", plan
    assert plan["error"] in (None, ""), plan
    assert plan["result"]["topic"] == "Machine Learning"
    assert plan["result"]["session_id"] == session_id
    plan_xml: str = plan["result"]["plan"]
    assert "<SCENE_OUTLINE>" in plan_xml
    numbers = [int(n) for n in re.findall(r"<SCENE_(\d+)>", plan_xml)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert len(numbers) >= 2, plan_xml

    implemented = chained["implement"]
    assert implemented["status"] == "completed", implemented
    scene_plans = implemented["result"]["scene_plans"]
    assert implemented["result"]["count"] == len(numbers) == len(scene_plans)
    assert [p["scene_number"] for p in scene_plans] == numbers
    for part in ("storyboard", "technical_implementation", "animation_narration"):
        assert all(p[part].strip() for p in scene_plans), part

    first = scene_plans[0]
    coded = await agent(api, "code", {
        "topic": "Machine Learning", "description": "Educational video",
        "scene_outline": _scene_block(plan_xml, 1),
        "implementation": "\n\n".join(
            first[p] for p in ("storyboard", "technical_implementation", "animation_narration")),
        "scene_number": 1, "session_id": session_id,
    })
    assert coded["status"] == "completed", coded
    code: str = coded["result"]["code"]
    assert coded["result"]["scene_number"] == 1
    assert "class Scene1" in code
    compile(code, "scene1.py", "exec")  # valid Python
    assert isinstance(coded["result"]["raw_response"], str)

    rendered = await agent(api, "render/scene", {
        "topic": "Machine Learning", "code": code, "scene_number": 1, "version": 0,
        "session_id": session_id, "quality": "preview",
    })
    assert rendered["status"] == "completed", rendered
    result = rendered["result"]
    assert result["error"] in (None, ""), result
    assert (result["session_id"], result["scene_number"], result["version"]) == (
        session_id, 1, 0)
    # The code agent wrote version 1; the code sent to render/scene is the next version.
    assert result["code_version"] == 2, result
    assert result["code"] == code
    video = await download(api, result["video_url"], tmp_path / "scene1.mp4")
    decoded = decode(video)
    assert (decoded.width, decoded.height) == PREVIEW[:2]
    assert decoded.fps == pytest.approx(PREVIEW[2], abs=0.01)
    assert result["duration"] == pytest.approx(decoded.duration, abs=0.1)
    assert not_blank(frames_between(video, 0.3 * decoded.duration, 0.9 * decoded.duration))
    served_code = await api.get(result["code_url"])
    assert (served_code.status_code, served_code.text) == (200, code)
    # Narrated from the session's implementation of scene 1: voice and subtitles.
    assert decoded.audio_duration == pytest.approx(decoded.duration, abs=0.2)
    srt = await api.get(result["srt_url"])
    assert srt.status_code == 200
    assert "-->" in srt.text

    # Combine without a scene list means every scene of the plan: it names each scene
    # without a render (2..n) and combines nothing silently.
    refused = problem(await api.post(f"{AGENTS}/render/combine",
                                     json={"session_id": session_id}), 422)
    assert "scene" in refused["detail"], refused
    assert [int(n) for n in re.findall(r"\d+", refused["detail"])] == numbers[1:], refused

    combined = await agent(api, "render/combine", {"session_id": session_id, "scenes": [1]})
    assert combined["status"] == "completed", combined
    out = await download(api, combined["result"]["output_url"], tmp_path / "combined.mp4")
    joined = decode(out)
    assert joined.duration == pytest.approx(decoded.duration, abs=0.2)
    assert combined["result"]["duration"] == pytest.approx(joined.duration, abs=0.2)
    assert combined["result"]["output"], combined


async def test_a_render_that_fails_fails_its_job_with_the_reason_and_the_code(
    api: httpx.AsyncClient,
) -> None:
    broken = (
        "from manim import *\n\n"
        "class Scene1(Scene):\n"
        "    def construct(self):\n"
        "        self.play(Write(no_such_mobject))\n"
    )
    job = await agent(api, "render/scene", {
        "topic": "Broken", "code": broken, "scene_number": 1,
        "session_id": unique("broken"), "quality": "preview",
    })
    assert (job["status"], job["state"]) == ("failed", "FAILURE"), job
    assert "NameError" in job["error"], job
    assert "no_such_mobject" in job["error"], job
    assert "NameError" in job["result"]["error"], job
    assert job["result"]["code"] == broken
    assert job["result"]["video_url"] is None


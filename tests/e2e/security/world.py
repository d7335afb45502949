"""A's world: one of each of A's resources on all five surfaces, made over HTTP with A's
key exactly as each surface's clients make them, and finished (a download of a job that is
still running would be a 404 of its own and prove nothing).

The five surfaces are built concurrently: their long jobs (the Aura render, the text2video
render, the editor's AI variants and export, the Manim task) overlap instead of queueing
behind each other, which keeps the package's set-up to about one job's time.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.e2e.aura_client import job_body

JOB_WAIT = 300.0


@dataclass
class World:
    """A's ids, by the name the path-parameter table (matrix_table.py) knows them by."""

    studio_project: str = ""
    character: str = ""
    spare_characters: tuple[str, ...] = ()
    outline: str = ""
    section: str = ""
    sentence: str = ""
    spare_sentences: tuple[str, ...] = ()
    t2v_job: str = ""
    aura_job: str = ""
    editor_project: str = ""
    asset: str = ""
    upload_query: str = ""
    segment: str = ""
    spare_segments: tuple[str, ...] = ()
    frame_key: str = ""
    ai_job: str = ""
    variant: str = ""
    export_job: str = ""
    manim_project: str = ""
    manim_session: str = ""
    task: str = ""
    agent_job: str = ""
    manim_file_key: str = ""
    api_key: str = ""  # the key_id of A's API key

    def ids(self) -> set[str]:
        """Every id of A's that B must never see in a list or a feed."""
        found: set[str] = set()
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("upload_query", "api_key"):
                continue
            found.update(value if isinstance(value, tuple) else [value])
        found.discard("")
        return found


def ok(response: httpx.Response, *statuses: int) -> Any:
    expected = statuses or (200,)
    assert response.status_code in expected, (
        f"{response.request.method} {response.request.url}: "
        f"{response.status_code} {response.text[:500]}")
    return response.json()


async def post_when_available(api: httpx.AsyncClient, path: str, body: object) -> Any:
    """POST, again while the gateway answers 503: Manim's availability is a question to the
    media service, which a loaded machine (the world's other jobs) may answer late."""
    deadline = time.monotonic() + 120
    while (response := await api.post(path, json=body)).status_code == 503:
        assert time.monotonic() < deadline, response.text
        await asyncio.sleep(2)
    return ok(response)


async def until(read: Any, done: Any, within: float = JOB_WAIT) -> Any:
    """Poll `await read()` until `done(answer)`, every 0.5 s."""
    deadline = time.monotonic() + within
    while True:
        answer = await read()
        if done(answer):
            return answer
        assert time.monotonic() < deadline, f"still not done after {within}s: {answer}"
        await asyncio.sleep(0.5)


async def studio(api: httpx.AsyncClient, world: World) -> None:
    project = ok(await api.post("/api/v1/projects", json={
        "topic": "How volcanoes work", "targetDuration": 2, "audience": "teenagers"}), 201)
    world.studio_project = pid = project["id"]
    cast = [ok(await api.post(f"/api/v1/projects/{pid}/cast", json={"name": name}), 201)["id"]
            for name in ("Ada", "Bo", "Cy")]
    world.character, world.spare_characters = cast[0], tuple(cast[1:])
    outline = ok(await api.post(f"/api/v1/projects/{pid}/generate-outline", json={}), 201)
    world.outline = outline["id"]
    script = ok(await api.post(f"/api/v1/projects/{pid}/quick-generate",
                               json={"targetDuration": 3}), 201)
    section = script["sections"][0]
    world.section = section["id"]
    sentences = [t["id"] for s in script["sections"] for t in s["sentences"]]
    assert len(sentences) >= 3, script
    world.sentence, world.spare_sentences = sentences[0], tuple(sentences[1:3])


async def text2video(api: httpx.AsyncClient, world: World) -> None:
    started = ok(await api.post("/api/v1/generate", json={"text": "Security first. Then fun."}),
                 202)
    world.t2v_job = job = started["job_id"]
    await until(lambda: _json(api.get(f"/api/v1/status/{job}")),
                lambda s: s["status"] in ("completed", "failed"))


async def aura(api: httpx.AsyncClient, world: World) -> None:
    accepted = ok(await api.post("/api/jobs", json=job_body()), 202)
    world.aura_job = job = accepted["jobId"]
    await until(lambda: _json(api.get(f"/api/jobs/{job}")),
                lambda j: j["status"] in ("Succeeded", "Failed"))


async def upload(api: httpx.AsyncClient, project_id: str, clip: bytes) -> dict[str, Any]:
    ticket = ok(await api.post(f"/api/project/{project_id}/upload",
                               json={"file_name": "clip.mp4", "content_type": "video/mp4"}))
    stored = ok(await api.put(ticket["upload_url"], content=clip,
                              headers={"Content-Type": "video/mp4"}))
    return {"ticket": ticket, "stored": stored}


async def editor(api: httpx.AsyncClient, world: World, clip: bytes) -> None:
    world.editor_project = pid = ok(await api.post("/api/project", json={"name": "A's cut"}))["id"]
    uploads = [await upload(api, pid, clip) for _ in range(4)]
    first = uploads[0]
    world.asset = first["ticket"]["asset_id"]
    world.upload_query = urlsplit(first["ticket"]["upload_url"]).query
    # The AI job and the export work on the first segment (0..2 s of the timeline); the
    # matrix's segment is the second one, which an accepted variant does not replace.
    segments = [u["stored"]["segment_id"] for u in uploads]
    world.segment, world.spare_segments = segments[1], tuple(segments[2:])
    frame = ok(await api.post(f"/api/project/{pid}/preview/frame", json={"ts": 1.0}))
    world.frame_key = frame["frame_url"].removeprefix("/api/editor/files/")
    started = ok(await api.post("/api/ai/generate", json={
        "project_id": pid, "prompt": "blur the face", "start_ts": 0.5, "end_ts": 1.5,
        "bounding_box": {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5},
        "variants": 2}), 202)
    world.ai_job = job = started["job_id"]
    finished = await until(lambda: _json(api.get(f"/api/job/{job}")),
                           lambda j: j["status"] in ("completed", "failed"))
    assert finished["status"] == "completed", finished
    world.variant = finished["variants"][0]["id"]
    export = ok(await api.post("/api/export", json={"project_id": pid, "format": "mp4"}), 202)
    world.export_job = export_id = export["export_job_id"]
    done = await until(lambda: _json(api.get(f"/api/export/{export_id}")),
                       lambda s: s["status"] in ("completed", "failed"))
    assert done["status"] == "completed", done


async def manim(api: httpx.AsyncClient, world: World) -> None:
    world.manim_project = f"a_project_{uuid.uuid4().hex[:8]}"
    task = await post_when_available(api, "/api/v1/video-generation/generate", {
        "project_id": world.manim_project, "content_prompt": "Explain a circle",
        "scene_count": 1})
    world.task, world.manim_session = task["task_id"], task["session_id"]
    plan = await post_when_available(api, "/api/v1/video/agents/plan", {
        "topic": "Circles", "description": "A short one", "session_id": world.manim_session})
    world.agent_job = plan["job_id"]
    tasks = f"/api/v1/video-generation/tasks/{world.task}"
    status = await until(lambda: _json(api.get(f"{tasks}/status")),
                         lambda s: s["status"] in ("completed", "failed", "cancelled"))
    assert status["status"] == "completed", status
    result = ok(await api.get(f"{tasks}/result"))
    world.manim_file_key = result["scenes"][0]["video_url"].removeprefix("/api/v1/video/files/")


async def _json(request: Any) -> Any:
    return ok(await request)


async def build_world(alice: httpx.AsyncClient, clip: bytes) -> World:
    world = World()
    await asyncio.gather(studio(alice, world), text2video(alice, world), aura(alice, world),
                         editor(alice, world, clip), manim(alice, world))
    return world

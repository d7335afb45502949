"""VideoGen's job routes next to doc 004 (docs/jobs-api.md), end to end on the shared stack:
the SSE feed of a job (replay, Last-Event-ID, an ended job), cancel and retry, the
options of POST /generate, and the studio's render with its `stale` flag.

Three jobs in all, kept short: one text2video job followed to the end and downloaded, one
cancelled and retried, one render of a studio project.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import Sse, sse_messages
from .text2video_client import decode

pytestmark = pytest.mark.slow

STAGES = ["queued", "scripting", "narrating", "captioning", "choosing_visuals", "rendering",
          "completed"]
PROGRESS_KEYS = {"job_id", "status", "stage", "progress", "message", "items_done",
                 "items_total", "percent", "at"}
TEXT = "Octopuses have three hearts. Their blood is blue. They taste with their arms."


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{stack.base_url}/api/v1", timeout=60) as client:
        yield client


async def feed(api: httpx.AsyncClient, job_id: str, *, headers: dict[str, str] | None = None,
               query: str = "", within: float = 240) -> list[Sse]:
    """Every message of the job's stream until the server closes it (as EventSource parses)."""
    found: list[Sse] = []
    async with asyncio.timeout(within), api.stream(
        "GET", f"/jobs/{job_id}/events{query}", headers=headers or {},
        timeout=httpx.Timeout(within, read=within),
    ) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        found.extend([message async for message in sse_messages(response)])
    return found


async def generate(api: httpx.AsyncClient, **body: Any) -> str:
    response = await api.post("/generate", json={"text": TEXT, **body})
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def assert_feed(messages: list[Sse], job_id: str, first_id: int = 1) -> None:
    """connected first; then ids without gaps; progress never goes back; one terminal, last."""
    assert messages[0].event == "connected"
    assert messages[0].id is None
    assert messages[0].retry == "2000"
    assert messages[0].data["job_id"] == job_id
    rest = messages[1:]
    assert [m.id for m in rest] == list(range(first_id, first_id + len(rest)))
    assert {m.event for m in rest} <= {"progress", "log", "completed", "failed", "cancelled"}
    shown = [m.data["progress"] for m in rest if m.event != "log"]
    assert shown == sorted(shown), shown
    assert all(m.data["job_id"] == job_id for m in rest)
    for m in rest:
        assert set(m.data) >= (PROGRESS_KEYS if m.event != "log" else {"job_id", "line", "at"})


async def test_a_job_s_feed_replays_resumes_and_ends_with_the_file(
    api: httpx.AsyncClient,
) -> None:
    job_id = await generate(api, aspect="9:16", voice="joe-us", style="documentary",
                            captions={"style": "word_by_word", "max_words": 2},
                            sound={"loudness_lufs": -16, "music": "procedural"})
    messages = await feed(api, job_id)
    assert_feed(messages, job_id)
    progress = [m for m in messages if m.event == "progress"]
    stages = [s for i, s in enumerate(m.data["stage"] for m in progress)
              if i == 0 or s != progress[i - 1].data["stage"]]
    assert stages == STAGES[:-1], stages  # in order, none skipped
    narrated = [m.data for m in progress if m.data["items_total"]]
    assert narrated
    assert narrated[-1]["items_done"] == narrated[-1]["items_total"] == 3
    assert any(m.data["stage"] == "rendering" and m.data["percent"] for m in progress)
    end = messages[-1]
    assert end.event == "completed"
    assert end.data["output_file"] == f"/api/v1/download/{job_id}"
    assert end.data["size_bytes"] > 0
    assert end.data["duration_s"] > 1

    video = await api.get(f"/download/{job_id}")
    assert video.status_code == 200
    assert len(video.content) == end.data["size_bytes"]
    decoded = decode(video.content)
    assert (decoded.width, decoded.height) == (720, 1280)

    status = (await api.get(f"/status/{job_id}")).json()
    assert (status["stage"], status["kind"], status["project_id"]) == (
        "completed", "text2video", job_id)
    assert job_id in (await api.get("/jobs")).json()["jobs"]
    await assert_report_consistent(api, job_id, status)

    # Resume after any id: exactly what came after it; the query parameter works too.
    middle = len(messages) // 2
    after = await feed(api, job_id, headers={"Last-Event-ID": str(middle)})
    assert [m.id for m in after[1:]] == [m.id for m in messages[middle + 1:]]
    assert [m.data for m in after[1:]] == [m.data for m in messages[middle + 1:]]
    assert [m.id for m in (await feed(api, job_id, query=f"?last_event_id={middle}"))[1:]] == [
        m.id for m in messages[middle + 1:]]
    # An ended job whose client has everything: connected, then closed at once.
    last = str(end.id)
    done = await feed(api, job_id, headers={"Last-Event-ID": last}, within=10)
    assert [m.event for m in done] == ["connected"]
    assert done[0].data["stage"] == "completed"
    # Garbage (and a position past the end) is no error: a replay from the start, or none.
    for garbage in ("abc", "-3", "1.5", ""):
        replay = await feed(api, job_id, headers={"Last-Event-ID": garbage}, within=30)
        assert [m.id for m in replay] == [m.id for m in messages], garbage
    assert len(await feed(api, job_id, headers={"Last-Event-ID": "99999999999"})) == 1

    # The job's project is a studio project whose last render is the job: its sentences are
    # current until one is edited.
    script = (await api.get(f"/projects/{job_id}")).json()["sections"]
    sentences = [n for s in script for n in s["sentences"]]
    assert [n["stale"] for n in sentences] == [False, False, False]
    edited = await api.put(f"/sentences/{sentences[1]['id']}", json={"text": "It is blue."})
    assert edited.status_code == 200, edited.text
    assert [n["stale"] for s in (await api.get(f"/projects/{job_id}")).json()["sections"]
            for n in s["sentences"]] == [False, True, False]

    # An ended job can neither be cancelled nor retried.
    cancel = await api.post(f"/jobs/{job_id}/cancel")
    assert (cancel.status_code, cancel.json()) == (409, {"error": "Job already finished"})
    retry = await api.post(f"/jobs/{job_id}/retry")
    assert (retry.status_code, retry.json()) == (
        409, {"error": "Only a failed or cancelled job can be retried"})


async def test_a_cancelled_job_ends_its_feed_and_a_retry_finishes_it(
    api: httpx.AsyncClient,
) -> None:
    job_id = await generate(api)
    retry = await api.post(f"/jobs/{job_id}/retry")
    assert (retry.status_code, retry.json()) == (
        409, {"error": "Only a failed or cancelled job can be retried"})
    cancel = await api.post(f"/jobs/{job_id}/cancel")
    assert (cancel.status_code, cancel.json()) == (
        202, {"job_id": job_id, "status": "cancelling"})
    again = await api.post(f"/jobs/{job_id}/cancel")
    assert (again.status_code, again.json()) == (409, {"error": "Job already finished"})
    cancelled = await feed(api, job_id, within=30)
    assert_feed(cancelled, job_id)
    assert cancelled[-1].event == "cancelled"
    assert cancelled[-1].data["stage"] == "cancelled"
    assert (await api.get(f"/status/{job_id}")).json()["status"] == "failed"  # doc 004's view

    retried = await api.post(f"/jobs/{job_id}/retry")
    assert (retried.status_code, retried.json()) == (202, {"job_id": job_id, "status": "queued"})
    # Resumed from where the client was: the new attempt's messages follow without a gap,
    # and the old `cancelled` does not end the stream.
    resumed = await feed(api, job_id, headers={"Last-Event-ID": str(cancelled[-1].id)})
    assert_feed(resumed, job_id, first_id=len(cancelled))
    assert resumed[-1].event == "completed"
    assert (await api.get(f"/download/{job_id}")).status_code == 200


async def test_a_rendered_project_marks_what_changed_since_as_stale(
    api: httpx.AsyncClient,
) -> None:
    created = await api.post("/projects", json={"topic": "Octopus hearts", "targetDuration": 0.3})
    project_id = created.json()["id"]
    empty = await api.post(f"/projects/{project_id}/render")
    assert empty.status_code == 409, empty.text
    assert empty.headers["content-type"].startswith("application/problem+json")
    assert "no sentences" in empty.json()["detail"]
    script = await api.post(f"/projects/{project_id}/quick-generate",
                            json={"targetDuration": 0.3})
    assert script.status_code == 201, script.text

    async def sentences() -> list[dict[str, Any]]:
        body = (await api.get(f"/projects/{project_id}")).json()
        return [n for s in body["sections"] for n in s["sentences"]]

    assert [n["stale"] for n in await sentences()] == [False] * len(await sentences())
    bad = await api.post(f"/projects/{project_id}/render", json={"aspect": "4:3"})
    assert bad.status_code == 400
    assert bad.json()["status"] == 400
    # The look's options as on POST /generate, refused in the studio's problem+json.
    for body, field in (({"style": "noir"}, "style"), ({"captions": {"outline": 9}}, "outline"),
                        ({"sound": {"music": "upload"}}, "sound.music_asset_id")):
        refused = await api.post(f"/projects/{project_id}/render", json=body)
        assert refused.status_code == 400, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert field in refused.json()["detail"], refused.json()
    started = await api.post(f"/projects/{project_id}/render", json={
        "aspect": "1:1", "style": "bold", "captions": {"style": "highlight"}})
    assert started.status_code == 202, started.text
    accepted = started.json()
    assert accepted["projectId"] == project_id
    assert accepted["status"] == "queued"
    job_id = accepted["jobId"]
    messages = await feed(api, job_id)
    assert_feed(messages, job_id)
    assert messages[-1].event == "completed", messages[-1]
    status = (await api.get(f"/status/{job_id}")).json()
    assert (status["kind"], status["project_id"]) == ("project", project_id)
    assert job_id in (await api.get("/jobs")).json()["jobs"]
    video = await api.get(f"/download/{job_id}")
    square = decode(video.content)
    assert (square.width, square.height) == (720, 720)

    first, *others = await sentences()
    assert not first["stale"]
    edited = await api.put(f"/sentences/{first['id']}", json={"text": "Octopuses have three"
                                                              " hearts and blue blood."})
    assert edited.status_code == 200, edited.text
    assert edited.json()["stale"] is True
    now = await sentences()
    assert [n["stale"] for n in now] == [True] + [False] * len(others)
    section = (await api.get(f"/sections/{first['sectionId']}")).json()
    assert section["sentences"][0]["stale"] is True


async def assert_report_consistent(
    api: httpx.AsyncClient, job_id: str, status: dict[str, Any]
) -> None:
    """The status's `quality` is the report GET /jobs/{id}/report serves, and the WebVTT is
    served where the job has one; a job without them says "not ready" on both routes."""
    report = await api.get(f"/jobs/{job_id}/report")
    if status["quality"] is None:
        assert (report.status_code, report.json()) == (404, {"error": "Quality report not ready"})
    else:
        assert (report.status_code, report.json()) == (200, status["quality"])
        assert status["quality"]["loudness"]["target_lufs"] == -16
    vtt = await api.get(f"/jobs/{job_id}/captions.vtt")
    if vtt.status_code == 200:
        assert vtt.headers["content-type"].startswith("text/vtt")
        assert vtt.text.startswith("WEBVTT")
    else:
        assert (vtt.status_code, vtt.json()) == (404, {"error": "Captions not ready"})


async def test_bad_requests_get_clear_errors(api: httpx.AsyncClient) -> None:
    unknown = str(uuid.uuid4())
    for path in (f"/jobs/{unknown}/events", "/jobs/not-a-uuid/events"):
        response = await api.get(path)
        assert (response.status_code, response.json()) == (404, {"error": "Job not found"})
    for verb in ("cancel", "retry"):
        for job in (unknown, "not-a-uuid"):
            response = await api.post(f"/jobs/{job}/{verb}")
            assert (response.status_code, response.json()) == (404, {"error": "Job not found"})
    for body, field in (({"aspect": "4:3"}, "aspect"), ({"voice": "no-such-voice"}, "voice"),
                        ({"voice": 3}, "voice"), ({"style": ["x"]}, "style"),
                        ({"style": "x" * 201}, "style"), ({"style": "calm"}, "style"),
                        ({"captions": {"size": 5}}, "captions.size"),
                        ({"sound": {"music": "upload"}}, "sound.music_asset_id")):
        response = await api.post("/generate", json={"text": TEXT, **body})
        assert response.status_code == 400, (body, response.text)
        assert set(response.json()) == {"error"}
        assert field in response.json()["error"]
    no_project = await api.post(f"/projects/{unknown}/render")
    assert no_project.status_code == 404
    assert no_project.json()["detail"] == f"project {unknown} not found"
    extra = await api.post(f"/projects/{unknown}/render", json={"voice": ""})
    assert extra.status_code == 404  # the project is looked up before the body

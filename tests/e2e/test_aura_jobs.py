"""Doc 001's jobs API end to end: the whole stack as processes, real TTS and real ffmpeg.

A brief becomes a script (the offline writer), narration, captions, visuals and a video
whose frame size, rate and codec are the renderSpec's; the SSE stream shows the steps and
ends with job-completed; a cut stream resumes with Last-Event-ID exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import Sse, create_job, job_body, probe, read_events, wait_for

STEPS = ["Script", "Voice", "Captions", "Visuals", "Render"]


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def done() -> dict[str, Any]:
    """A job finished by the first test, with its full event stream, for later tests."""
    return {}


async def test_a_brief_becomes_a_playable_video_with_live_progress(
    api: httpx.AsyncClient, done: dict[str, Any]
) -> None:
    job_id = await create_job(api)
    events = await read_events(api, job_id)

    ids = [e.id for e in events]
    assert ids == list(range(1, len(ids) + 1)), "ids start at 1 and have no gaps"
    names = [e.event for e in events]
    assert names[0] == "job-status"
    assert names[-1] == "job-completed"
    progress = [e.data for e in events if e.event == "step-progress"]
    assert {p["step"] for p in progress} == set(STEPS)
    for p in progress:
        assert set(p) >= {"step", "progressPct", "correlationId", "etaSeconds", "message",
                          "phase", "elapsedSeconds", "currentItem", "totalItems"}
    voice = [p for p in progress if p["step"] == "Voice" and p["totalItems"]]
    assert voice, "narration reports sentence by sentence"
    assert voice[-1]["currentItem"] == voice[-1]["totalItems"]
    for step in STEPS:
        pcts = [p["progressPct"] for p in progress if p["step"] == step]
        assert pcts == sorted(pcts), f"{step} progress went back: {pcts}"
    statuses = [(e.data["step"], e.data["status"]) for e in events if e.event == "step-status"]
    assert [s for s, st in statuses if st == "Succeeded"] == STEPS
    completed = events[-1].data
    assert completed["status"] == "Succeeded"
    assert set(completed["output"]) == {"videoPath", "subtitlePath", "sizeBytes"}
    assert {a["type"] for a in completed["artifacts"]} == {"video", "subtitles"}
    correlation = {e.data["correlationId"] for e in events}
    assert len(correlation) == 1

    job = (await api.get(f"/api/jobs/{job_id}")).json()
    assert job["status"] == "Succeeded"
    assert job["correlationId"] in correlation
    assert [s["name"] for s in job["steps"]] == STEPS
    assert all(s["status"] == "Succeeded" and s["progressPct"] == 100 for s in job["steps"])
    assert all(s["durationMs"] is not None for s in job["steps"])
    assert job["startedUtc"]
    assert job["endedUtc"]
    assert job["errors"] == []

    video = await api.get(completed["output"]["videoPath"])
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert len(video.content) == completed["output"]["sizeBytes"]
    found = probe(video.content)
    assert found["size"] == (640, 360)  # 360p, Widescreen16x9
    assert found["fps"] == 24
    assert found["codecs"] == ("h264", "aac")
    assert found["frames"] > 24
    done.update(job_id=job_id, events=events, video=video.content)


async def test_the_download_honours_range(api: httpx.AsyncClient, done: dict[str, Any]) -> None:
    job_id, video = done["job_id"], done["video"]
    part = await api.get(f"/api/jobs/{job_id}/download", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{len(video)}"
    assert part.content == video[100:200]
    tail = await api.get(f"/api/jobs/{job_id}/download", headers={"Range": "bytes=-50"})
    assert tail.content == video[-50:]
    outside = await api.get(f"/api/jobs/{job_id}/download",
                            headers={"Range": f"bytes={len(video) + 10}-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{len(video)}"
    srt = await api.get(f"/api/jobs/{job_id}/download/subtitles")
    assert srt.status_code == 200
    assert b"-->" in srt.content


async def test_a_cut_stream_resumes_exactly_where_it_stopped(
    api: httpx.AsyncClient, done: dict[str, Any]
) -> None:
    job_id, full = done["job_id"], done["events"]
    replay = await read_events(api, job_id)
    assert replay == full, "a stream opened after the end replays the job and closes"
    first = await read_events(api, job_id, stop_after=3)
    assert first == full[:3]
    rest = await read_events(api, job_id, last_event_id=str(first[-1].id))
    assert first + rest == full, "nothing missing, nothing repeated"
    by_query = await read_events(api, job_id, query=f"?lastEventId={first[-1].id}")
    assert by_query == rest


@pytest.mark.parametrize("garbage", ["abc", "-5", "1.5", "1e3", "", "99999999999999999999999"])
async def test_a_malformed_last_event_id_means_from_the_start(
    api: httpx.AsyncClient, done: dict[str, Any], garbage: str
) -> None:
    events = await read_events(api, done["job_id"], last_event_id=garbage)
    assert events == done["events"]


async def test_logs_and_listing(api: httpx.AsyncClient, done: dict[str, Any]) -> None:
    job_id = done["job_id"]
    logs = (await api.get(f"/api/jobs/{job_id}/logs")).json()
    assert logs["jobId"] == job_id
    assert any("Script generation completed" in line for line in logs["logs"])
    listing = (await api.get("/api/jobs", params={"page": 1, "pageSize": 1})).json()
    assert listing["page"] == 1
    assert listing["pageSize"] == 1
    assert listing["totalCount"] >= 1
    assert len(listing["jobs"]) == 1
    assert listing["totalPages"] == listing["totalCount"]
    everything = (await api.get("/api/jobs", params={"pageSize": 100})).json()
    assert job_id in {j["jobId"] for j in everything["jobs"]}


def _first(events: list[Sse], name: str) -> Sse:
    return next(e for e in events if e.event == name)


async def test_the_preset_form_runs_offline(api: httpx.AsyncClient) -> None:
    body = {"preset": "sample-hello-youtube", "inputs": {},
            "options": {"allowSkipUnavailable": True, "quality": "fast"}}
    job_id = await create_job(api, body)
    job = await wait_for(api, job_id, {"Succeeded", "Failed"})
    assert job["status"] == "Succeeded", job
    assert job_body()["brief"]  # the brief form is the other way in (the first test)


async def test_a_live_stream_cut_after_three_events_resumes_with_nothing_lost(
    api: httpx.AsyncClient,
) -> None:
    job_id = await create_job(api, job_body(planSpec={"targetDuration": "00:00:40"}))
    first = await read_events(api, job_id, stop_after=3)
    cut = first[-1].id
    assert cut is not None
    rest = await read_events(api, job_id, last_event_id=str(cut))
    assert rest[0].id == cut + 1
    assert rest[-1].event == "job-completed"
    full = await read_events(api, job_id)
    assert first + rest == full, "nothing missing, nothing repeated"

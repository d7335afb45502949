"""Doc 001's own Quick Example, unchanged: POST a brief, then EventSource on `job.id`.

The document's client reads `job.id` (not `jobId`) to open the stream, so the accepted
job carries both. The stream must show step-progress and end with job-completed and a
playable video.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import av
import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import read_events

pytestmark = pytest.mark.slow

DOC_BODY = {
    "brief": {
        "topic": "AI Technology",
        "audience": "Students",
        "goal": "Educate",
        "tone": "Friendly",
    }
}


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


async def test_the_documented_fetch_and_eventsource_example(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/jobs", json=DOC_BODY, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["id"] == job["jobId"]

    events = await read_events(api, job["id"], within=600)
    names = [e.event for e in events]
    assert "step-progress" in names
    assert names[-1] == "job-completed", names[-8:]
    completed = events[-1].data
    assert completed["status"] == "Succeeded"

    video = await api.get(f"/api/jobs/{job['id']}/download")
    assert video.status_code == 200
    with av.open(io.BytesIO(video.content)) as container:
        assert container.streams.video
        assert container.streams.audio
        assert container.duration is not None
        assert container.duration > 0

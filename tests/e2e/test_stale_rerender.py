"""Issue 4's stale-sentence proof, end to end: edit one sentence, render again, and exactly one
TTS synthesis happens. The whole stack runs as processes, with real Piper TTS and ffmpeg.

The studio is driven over HTTP as its clients do (create a project, quick-generate its
script, PUT one sentence's new text). Doc 000 has no render endpoint, so the renders are
started as the studio's backend would: `start_production` (kind "project") on the bus.
The TTS calls are counted two ways: the `reused` flag of every `SentenceNarrated` (read
from the media service's event log) and the WAV files in the project's narration folder.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
import pytest
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.media.events import NarrationCompleted, SentenceNarrated
from videogen_contracts.media.events import event_decoder as media_decoder
from videogen_contracts.media.events import stream_id_for as preparation_stream
from videogen_contracts.project.production import stream_id_for as production_stream
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.subjects import Namespace
from videogen_eventstore.postgres import PostgresEventStore
from videogen_local.stack import Stack

from .text2video_client import decode

pytestmark = pytest.mark.slow

# Small and short: the proof is about which sentences are spoken, not about the picture.
RENDER = {"width": 426, "height": 240, "fps": 15, "aspect": "16:9"}
FINAL = {"ProductionCompleted", "ProductionFailed", "ProductionCancelled"}


class Studio:
    """The stack as the studio sees it (HTTP), plus the bus and the logs the test reads."""

    def __init__(self, stack: Stack, api: httpx.AsyncClient, nc: Client, pool: asyncpg.Pool):
        self.stack, self.api, self.nc = stack, api, nc
        self.ns = Namespace(stack.env["VIDEOGEN_NAMESPACE"])
        self.project_log = PostgresEventStore(pool, f"{self.ns.name}_project", "project")
        self.media_log = PostgresEventStore(pool, f"{self.ns.name}_media", "media")
        self.blobs = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs"

    async def sentences(self, project_id: str) -> list[dict[str, Any]]:
        response = await self.api.get(f"/projects/{project_id}")
        assert response.status_code == 200, response.text
        sections = sorted(response.json()["sections"], key=lambda s: s["order"])
        return [n for s in sections for n in sorted(s["sentences"], key=lambda n: n["order"])]

    async def render(self, project_id: str, within: float = 240) -> UUID:
        """Start a production of kind "project" and wait for it to end; returns its id."""
        job = uuid.uuid4()
        body = {
            "command_id": str(job), "now": datetime.now(UTC).isoformat(),
            "production_id": str(job), "project_id": project_id, "kind": "project",
            "render": RENDER,
        }
        reply = await send_command(
            self.nc, self.ns, "project", "start_production", msgspec.json.encode(body),
            correlation_id=f"render-{job}", timeout=10,
        )
        assert isinstance(reply, CommandAccepted), reply
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            types = [e.type for e in await self.project_log.read_stream(production_stream(job))]
            if FINAL & set(types):
                assert "ProductionCompleted" in types, types
                return job
            await asyncio.sleep(0.25)
        raise AssertionError(f"render {job} did not end within {within}s")

    async def narrated(self, job: UUID) -> tuple[list[SentenceNarrated], NarrationCompleted]:
        events = [
            media_decoder.decode(r.data)
            for r in await self.media_log.read_stream(preparation_stream(job))
        ]
        done = [e for e in events if isinstance(e, NarrationCompleted)]
        assert len(done) == 1
        return [e for e in events if isinstance(e, SentenceNarrated)], done[0]

    def wavs(self, project_id: str) -> set[str]:
        return {p.name for p in (self.blobs / "narration" / project_id).glob("*.wav")}


@pytest.fixture
async def studio(stack: Stack, pg_url: str) -> AsyncIterator[Studio]:
    nc = await connect(stack.env["VIDEOGEN_NATS_URL"], "stale-rerender-test")
    async with (
        httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=120) as api,
        asyncpg.create_pool(pg_url, min_size=1, max_size=2) as pool,
    ):
        yield Studio(stack, api, nc, pool)
    await drain(nc)


async def test_editing_one_sentence_then_rendering_synthesizes_only_that_sentence(
    studio: Studio,
) -> None:
    created = await studio.api.post(
        "/projects", json={"topic": "How lighthouses guide ships", "targetDuration": 0.3}
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    generated = await studio.api.post(
        f"/projects/{project_id}/quick-generate", json={"targetDuration": 0.3}
    )
    assert generated.status_code == 201, generated.text
    sentences = await studio.sentences(project_id)
    assert len(sentences) >= 3, sentences
    distinct_texts = {s["text"].strip() for s in sentences}

    first = await studio.render(project_id)
    narrated, done = await studio.narrated(first)
    assert [i.sentence_id for i in done.items] == [UUID(s["id"]) for s in sentences]
    synthesized = [e for e in narrated if not e.reused]
    assert len(synthesized) == len(distinct_texts), "every distinct line spoken once"
    wavs_before = studio.wavs(project_id)
    assert len(wavs_before) == len(distinct_texts)

    edited = sentences[len(sentences) // 2]
    new_text = "Its lamp turns all night, and sailors count the flashes to know where they are."
    response = await studio.api.put(f"/sentences/{edited['id']}", json={"text": new_text})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == new_text

    second = await studio.render(project_id)
    narrated, done = await studio.narrated(second)
    spoken = [e.sentence_id for e in narrated if not e.reused]
    assert spoken == [UUID(edited["id"])], "exactly one TTS synthesis: the edited sentence"
    assert len(narrated) == len(sentences), "every sentence is in the new render"
    wavs_after = studio.wavs(project_id)
    assert wavs_before < wavs_after
    assert len(wavs_after - wavs_before) == 1, "one new WAV blob written"

    # The new video holds the whole script, the edited line included.
    video = (studio.blobs / "videos" / f"{second}.mp4").read_bytes()
    decoded = decode(video)
    assert (decoded.width, decoded.height) == (426, 240)
    assert decoded.duration_s == pytest.approx(done.total_duration_s, abs=0.5)

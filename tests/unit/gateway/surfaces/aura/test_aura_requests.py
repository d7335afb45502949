"""POST /api/jobs bodies → the production's brief, voice and render settings; and the shared
job feed (one read per message, every stream gets every message once)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from export_service.domain.encoder_choice import encoder_choice
from msgspec import UNSET
from project_service.domain.production.rules import check_start
from videogen_contracts.errors import Invalid
from videogen_contracts.project.production import StartProduction, stream_id_for
from videogen_gateway.fanout import FanOut, LiveOptions
from videogen_gateway.realtime import HEARTBEAT, Hub, SseEvent, sse_fanout, sse_serve
from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_gateway.surfaces.aura.job_requests import job_request


def body(**parts: Any) -> bytes:
    return msgspec.json.encode({"brief": {"topic": "Bees"}, **parts})


def test_every_field_reaches_the_production() -> None:
    wanted = job_request(body(
        brief={"topic": " Bees ", "audience": "Kids", "goal": "Teach", "tone": "Warm",
               "language": "en-GB", "aspect": "Vertical9x16"},
        planSpec={"targetDuration": "00:01:30", "pacing": "Fast", "density": "Dense",
                  "style": "Documentary"},
        voiceSpec={"voiceName": "joe", "rate": 0.8, "pitch": 1.2, "pause": "Long"},
        renderSpec={"res": "1080p", "container": "webm", "codec": "VP9", "fps": 25,
                    "videoBitrateK": 4000, "audioBitrateK": 128, "qualityLevel": 100,
                    "enableSceneCut": False},
    ))
    brief = wanted.brief
    assert (brief.topic, brief.audience, brief.goal, brief.tone) == ("Bees", "Kids", "Teach",
                                                                     "Warm")
    assert (brief.style, brief.pacing, brief.density) == ("Documentary", "Fast", "Dense")
    assert brief.target_minutes == 1.5
    assert wanted.language == "en-GB"
    voice = wanted.voice
    assert (voice.rate, voice.pitch, voice.pause_ms, voice.voice) == (0.92, 1.2, 600, "joe")
    render = wanted.render
    assert (render.width, render.height, render.aspect) == (1080, 1920, "9:16")
    assert (render.codec, render.container, render.fps) == ("vp9", "webm", 25)
    assert (render.video_bitrate_k, render.audio_bitrate_k, render.scene_cut) == (4000, 128,
                                                                                  False)
    # The export service turns qualityLevel into the encoder's crf.
    assert encoder_choice(render)[1] == 18


def test_defaults_leave_the_encoder_its_own_defaults() -> None:
    render = job_request(body()).render
    assert (render.width, render.height, render.fps, render.codec) == (1280, 720, 30, "h264")
    assert render.video_bitrate_k is UNSET
    assert render.scene_cut is UNSET


def test_the_sample_preset_needs_nothing_and_quality_picks_the_speed() -> None:
    sample = job_request(msgspec.json.encode(
        {"preset": "sample-hello-youtube", "options": {"quality": "high"}}))
    assert sample.brief.topic == "Hello YouTube"
    assert sample.brief.target_minutes == pytest.approx(20 / 60)
    assert encoder_choice(sample.render) == ("medium", 20)
    default = job_request(msgspec.json.encode(
        {"preset": "default", "inputs": {"topic": "Owls", "targetDuration": "00:00:30"}}))
    assert (default.brief.topic, default.brief.target_minutes) == ("Owls", 0.5)


@pytest.mark.parametrize(("raw", "field"), [
    (b"", "brief"), (b"[]", "brief"), (b"{bad", "body"),
    (body(brief={"topic": ""}), "brief.topic"),
    (body(planSpec={"targetDuration": "1:2"}), "planSpec.targetDuration"),
    (body(voiceSpec={"rate": True}), "voiceSpec.rate"),
    (body(renderSpec={"fps": True}), "renderSpec.fps"),
    (body(renderSpec={"res": {"width": 1, "height": 2}}), "renderSpec.res"),
])
def test_bad_input_names_the_field(raw: bytes, field: str) -> None:
    with pytest.raises(SystemProblem) as caught:
        job_request(raw)
    assert (caught.value.status, caught.value.field) == (400, field)
    assert caught.value.guidance


def start_of(raw: bytes) -> StartProduction:
    wanted = job_request(raw)
    job = uuid.uuid4()
    return StartProduction(
        command_id="c", now=datetime.now(UTC), production_id=job, project_id=job,
        kind="brief", render=wanted.render, voice=wanted.voice, language=wanted.language,
        brief=wanted.brief,
    )


@pytest.mark.parametrize(("raw", "field"), [
    (body(renderSpec={"container": "webm", "codec": "H264"}), "render.codec"),
    (body(renderSpec={"container": "webm"}), "render.codec"),  # H264 by default
    (body(planSpec={"targetDuration": "00:00:00"}), "target_duration_minutes"),
    (body(planSpec={"targetDuration": "03:00:01"}), "target_duration_minutes"),
])
def test_rules_across_fields_are_the_production_s(raw: bytes, field: str) -> None:
    # The request has the documented shape, so the surface passes it on; the project
    # domain refuses it, naming its field (which the surface renames for the client).
    with pytest.raises(Invalid) as caught:
        check_start(start_of(raw))
    assert caught.value.field == field


def test_a_request_the_production_accepts() -> None:
    check_start(start_of(body(renderSpec={"container": "webm", "codec": "VP9"},
                              planSpec={"targetDuration": "03:00:00"})))


class Rows:
    def __init__(self) -> None:
        self.rows: list[SseEvent] = []
        self.reads = 0

    async def fetch(self, job: uuid.UUID, after: int, limit: int = 1000) -> list[SseEvent]:
        self.reads += 1
        return [r for r in self.rows if r.id > after][:limit]

    def add(self, event: str = "step-progress") -> None:
        self.rows.append(SseEvent(id=len(self.rows) + 1, event=event, data=b"{}"))


def job_feeds(hub: Hub, rows: Rows, heartbeat: float) -> FanOut[uuid.UUID, SseEvent]:
    """Aura's job feeds (surfaces/aura.py) over `rows`."""
    options = LiveOptions(heartbeat=heartbeat, poll_live=1.0)
    return sse_fanout("aura-job", hub, stream_id_for, rows.fetch, options)


async def test_many_streams_share_one_read_per_message_and_miss_nothing() -> None:
    hub, rows, job = Hub(), Rows(), uuid.uuid4()
    hub.live = True
    feeds = job_feeds(hub, rows, heartbeat=60)
    rows.add("job-status")
    received: list[list[bytes]] = [[] for _ in range(50)]

    def sender(i: int) -> Any:
        async def send(message: Any) -> None:
            received[i].append(message["body"])
        return send

    def until(message: SseEvent) -> bool:
        return message.event == "job-completed"

    streams = [asyncio.create_task(sse_serve(feeds, job, i % 2, until=until)(sender(i)))
               for i in range(50)]
    await asyncio.sleep(0.05)
    for _ in range(5):
        rows.add()
        hub.wake(f"production-{job}")
        await asyncio.sleep(0.01)
    rows.add("job-completed")
    hub.wake(f"production-{job}")
    await asyncio.wait_for(asyncio.gather(*streams), timeout=5)
    ids = [[int(line[4:]) for line in b"".join(r).split(b"\n") if line.startswith(b"id: ")]
           for r in received]
    assert ids[0] == [1, 2, 3, 4, 5, 6, 7]
    assert ids[1] == [2, 3, 4, 5, 6, 7]  # after Last-Event-ID 1
    assert rows.reads < 20, f"{rows.reads} reads for 50 streams and 7 messages"
    assert len(feeds) == 0, "the feed is dropped with its last stream"


async def test_a_quiet_feed_sends_heartbeats() -> None:
    hub, rows, job = Hub(), Rows(), uuid.uuid4()
    rows.add()
    feeds = job_feeds(hub, rows, heartbeat=0.05)
    got: list[bytes] = []

    async def send(message: Any) -> None:
        got.append(message["body"])

    stream = asyncio.create_task(sse_serve(feeds, job, 0, until=lambda m: False)(send))
    await asyncio.sleep(0.3)
    stream.cancel()
    await asyncio.gather(stream, return_exceptions=True)
    assert got[0].startswith(b"id: 1\n")
    assert got.count(HEARTBEAT) >= 2

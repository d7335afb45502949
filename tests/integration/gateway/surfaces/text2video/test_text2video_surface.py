"""The text2video surface (doc 004) in-process on real PostgreSQL and NATS.

The gateway runs with its real lifespan (pool, migrations, NATS, projection). A stand-in
for the project service answers `start_production` the way the real one does: it
publishes the Production's events to the project stream, as the relay would, and replies
with the stream version. The whole stack, with real ffmpeg, is in tests/e2e.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import msgspec
import pytest
import uvicorn
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.headers import event_headers
from videogen_bus.publish import subject_of
from videogen_bus.rpc import serve_commands
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import (
    EventMetadata,
    RecordedEvent,
    encode_recorded,
    event_type_name,
    to_raw,
)
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCompleted,
    ProductionEventBase,
    ProductionQueued,
    ProductionStage,
    StartProduction,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.subjects import Namespace
from videogen_gateway.app import create_app
from videogen_gateway.runtime import GatewayOptions
from videogen_local.infra import free_port
from videogen_runtime.settings import Settings

# The studio's routes (built into the same app) still use Litestar's deprecated inferred
# path parameters; only those warnings are tolerated here.
pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)

VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for an mp4


class FakeProjectService:
    """Answers start_production by publishing the Production's events, like the relay."""

    positions = itertools.count(1)

    def __init__(self, nc: Client, ns: Namespace) -> None:
        self.nc = nc
        self.ns = ns
        self.versions: dict[UUID, int] = {}
        self.texts: list[str] = []
        self.commands: list[StartProduction] = []
        self.refuse: CommandRejected | None = None

    async def start_production(self, data: bytes, headers: Mapping[str, str]) -> CommandReply:
        if self.refuse:
            return self.refuse
        command = msgspec.json.decode(data, type=StartProduction)
        self.texts.append(command.text)
        self.commands.append(command)
        version = await self.publish(command.production_id, ProductionQueued(
            production_id=command.production_id, project_id=command.project_id,
            kind=command.kind, text=command.text, render=command.render, voice=command.voice,
            queued_at=command.now,
        ))
        return CommandAccepted(
            stream_id=stream_id_for(command.production_id), stream_version=version,
            global_position=version,
        )

    async def publish(self, production_id: UUID, event: ProductionEventBase) -> int:
        version = self.versions[production_id] = self.versions.get(production_id, 0) + 1
        position = next(self.positions)
        recorded = RecordedEvent(
            service="project", global_position=position, transaction_id=position,
            stream_id=stream_id_for(production_id), stream_version=version, event_id=uuid4(),
            type=event_type_name(type(event)), schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="it", project_id=str(production_id)),
            recorded_at=datetime.now(UTC),
        )
        await self.nc.jetstream().publish(
            subject_of(self.ns, recorded), encode_recorded(recorded),
            headers=event_headers(recorded),
        )
        return version

    async def advance(self, job: UUID, stage: ProductionStage, progress: int, msg: str) -> None:
        await self.publish(job, ProductionAdvanced(
            production_id=job, from_stage="queued", stage=stage, progress=progress,
            message=msg, at=datetime.now(UTC),
        ))


@pytest.fixture
async def project(nats_url: str, ns: Namespace) -> AsyncIterator[FakeProjectService]:
    nc = await connect(nats_url, "fake-project")
    await ensure_stream(nc.jetstream(), ns, "project")
    fake = FakeProjectService(nc, ns)
    server = await serve_commands(nc, ns, "project", {"start_production": fake.start_production})
    yield fake
    await server.close()
    await drain(nc)


@pytest.fixture
def max_chars() -> int:
    """The gateway's text limit (GatewayOptions.text2video_max_chars) for this test."""
    return 100_000


@pytest.fixture
async def client(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path, project: FakeProjectService,
    max_chars: int,
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway served by uvicorn on this test's loop (Litestar's test client runs the
    app on a loop of its own, which would block on the stand-in service living here)."""
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=world_id, data_dir=tmp_path
    )
    options = GatewayOptions(resend_for=3.0, visible_within=5.0, text2video_max_chars=max_chars)
    app = create_app(settings, options)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(20):
        while not server.started:
            assert not serving.done(), "the gateway did not start"
            await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1") as http:
            yield http
    finally:
        server.should_exit = True
        await serving


def problem(response: Any, status: int, error: str | None = None) -> dict[str, Any]:
    """Doc 004's error: exactly {"error": "..."}, as application/json."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-correlation-id"]
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    if error is not None:
        assert body["error"] == error
    return body


async def generate(client: httpx.AsyncClient, text: str = "Hello world.") -> UUID:
    response = await client.post("/generate", json={"text": text})
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"job_id", "status", "message"}
    assert (body["status"], body["message"]) == ("queued", "Video generation started")
    return UUID(body["job_id"])


async def test_a_job_is_visible_right_after_generate(client: httpx.AsyncClient) -> None:
    job = await generate(client, "東京 and مرحبا with 🚀 emoji.")
    status = await client.get(f"/status/{job}")
    assert status.status_code == 200
    body = status.json()
    # doc 004's fields, and VideoGen's additive ones (docs/jobs-api.md)
    assert set(body) == {"status", "progress", "message", "created_at", "logs", "stage",
                         "project_id", "kind", "quality"}
    assert body["quality"] is None  # until the video is finished
    assert (body["status"], body["progress"], body["logs"]) == ("queued", 0, [])
    assert (body["stage"], body["project_id"], body["kind"]) == ("queued", str(job), "text2video")
    assert abs(body["created_at"] - datetime.now(UTC).timestamp()) < 60


async def test_progress_and_the_jobs_listing(
    client: httpx.AsyncClient, project: FakeProjectService
) -> None:
    job = await generate(client)
    await project.advance(job, "rendering", 95, "Rendering video... 55%")
    await project.publish(job, ProductionCompleted(
        production_id=job, video_key=f"videos/{job}.mp4", subtitle_key=None, duration_s=2.0,
        size_bytes=len(VIDEO), at=datetime.now(UTC),
    ))
    body = await _wait_status(client, job, "completed")
    assert (body["progress"], body["message"]) == (100, "Video generation completed")
    jobs = (await client.get("/jobs")).json()["jobs"]
    assert jobs[str(job)]["output_file"] == f"output/video_{job}.mp4"
    assert jobs[str(job)]["status"] == "completed"


async def _wait_status(client: httpx.AsyncClient, job: UUID, status: str) -> dict[str, Any]:
    for _ in range(200):
        body: dict[str, Any] = (await client.get(f"/status/{job}")).json()
        if body["status"] == status:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job} never became {status}")


async def test_download_whole_and_by_range(
    client: httpx.AsyncClient, project: FakeProjectService, tmp_path: Path
) -> None:
    job = await generate(client)
    early = await client.get(f"/download/{job}")
    problem(early, 400, "Video not ready for download")
    await project.publish(job, ProductionCompleted(
        production_id=job, video_key=f"videos/{job}.mp4", subtitle_key=None, duration_s=2.0,
        size_bytes=len(VIDEO), at=datetime.now(UTC),
    ))
    await _wait_status(client, job, "completed")
    problem(await client.get(f"/download/{job}"), 500, "Video file not found")

    (tmp_path / "blobs" / "videos").mkdir(parents=True)
    (tmp_path / "blobs" / "videos" / f"{job}.mp4").write_bytes(VIDEO)
    whole = await client.get(f"/download/{job}")
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["content-disposition"] == (
        f'attachment; filename="generated_video_{job}.mp4"'
    )
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content == VIDEO

    part = await client.get(f"/download/{job}", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{len(VIDEO)}"
    assert part.content == VIDEO[100:1100]
    tail = await client.get(f"/download/{job}", headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, VIDEO[-10:])
    beyond = await client.get(f"/download/{job}", headers={"Range": f"bytes={len(VIDEO)}-"})
    problem(beyond, 416)
    assert beyond.headers["content-range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b'{"text": 5}', "application/json"),
        (b'{"text": "   "}', "application/json"),
        (b'{"other": "x"}', "application/json"),
        (b"[]", "application/json"),
        (b"text=hello", "application/x-www-form-urlencoded"),
    ],
)
async def test_bad_bodies_get_the_documented_error(
    client: httpx.AsyncClient, project: FakeProjectService, content: bytes, content_type: str
) -> None:
    response = await client.post(
        "/generate", content=content, headers={"Content-Type": content_type}
    )
    problem(response, 400, "No text provided in request body")
    assert project.texts == []


@pytest.mark.parametrize("max_chars", [50])
async def test_too_long_and_unspeakable_texts(
    client: httpx.AsyncClient, project: FakeProjectService
) -> None:
    too_long = problem(await client.post("/generate", json={"text": "a" * 51}), 413)
    assert "50" in too_long["error"]
    silent = problem(await client.post("/generate", json={"text": "?!... 🎉🎉"}), 400)
    assert "nothing to narrate" in silent["error"]
    assert project.texts == []


@pytest.mark.parametrize("path", ["/status/{}", "/download/{}"])
@pytest.mark.parametrize("job", ["not-a-uuid", str(UUID(int=1)), "12345"])
async def test_unknown_jobs_are_not_found(
    client: httpx.AsyncClient, path: str, job: str
) -> None:
    problem(await client.get(path.format(job)), 404, "Job not found")


async def test_a_refused_command_is_a_clear_4xx(
    client: httpx.AsyncClient, project: FakeProjectService
) -> None:
    project.refuse = CommandRejected(code="invalid", message="text: too many sentences",
                                     field="text")
    body = problem(await client.post("/generate", json={"text": "Fine text."}), 400)
    assert body["error"] == "text: too many sentences"


# --- issue 15: the look and sound asked for, the quality report and the WebVTT -----------

CAPTIONS = {"style": "karaoke", "position": "center", "size": 1.25, "color": "#ffffff",
            "highlight_color": "#FFD400", "outline": 2, "max_words": 5}
LOOK = {"style": "playful", "captions": CAPTIONS,
        "sound": {"loudness_lufs": -16, "music": "procedural"}}


async def test_the_look_and_sound_reach_the_production(
    client: httpx.AsyncClient, project: FakeProjectService
) -> None:
    response = await client.post("/generate", json={"text": "Bees dance.", **LOOK})
    assert response.status_code == 202, response.text
    presentation = project.commands[-1].presentation
    assert presentation.style == "playful"
    assert msgspec.to_builtins(presentation.captions) == CAPTIONS
    assert (presentation.sound.loudness_lufs, presentation.sound.music) == (-16.0, "procedural")
    await generate(client)
    assert project.commands[-1].presentation.style == "clean"  # none asked: the default


@pytest.mark.parametrize(("options", "error"), [
    ({"style": "cinematic"}, 'style must be one of "clean", "bold", "documentary", "playful"'),
    ({"captions": {"style": "neon"}},
     'captions.style must be one of "classic", "karaoke", "word_by_word", "highlight"'),
    ({"captions": {"max_words": 40}}, "captions.max_words must be an integer from 1 to 12"),
    ({"sound": {"loudness_lufs": 0}}, "sound.loudness_lufs must be a number from -23 to -9"),
    ({"sound": {"music": "upload"}}, 'sound.music_asset_id is required with music "upload":'
     " the id of an audio asset uploaded to the editor"),
    ({"sound": {"music_asset_id": str(UUID(int=7))}},
     f"sound.music_asset_id: no editor asset {UUID(int=7)} of yours"),
])
async def test_bad_options_get_doc_004_s_error(
    client: httpx.AsyncClient, project: FakeProjectService, options: dict[str, Any], error: str
) -> None:
    response = await client.post("/generate", json={"text": "Bees dance.", **options})
    problem(response, 400, error)
    assert project.commands == []


async def _finish(
    project: FakeProjectService, job: UUID, *, report_key: str | None, vtt_key: str | None
) -> None:
    await project.publish(job, ProductionCompleted(
        production_id=job, video_key=f"videos/{job}.mp4", subtitle_key=f"videos/{job}.srt",
        duration_s=2.0, size_bytes=len(VIDEO), at=datetime.now(UTC),
        report_key=report_key if report_key else msgspec.UNSET,
        vtt_key=vtt_key if vtt_key else msgspec.UNSET,
    ))


REPORT = {"loudness": {"integrated_lufs": -14.2, "true_peak_dbtp": -1.4, "target_lufs": -14.0},
          "scenes": {"count": 6, "meaningful": 5, "typographic": 1},
          "av_sync": {"video_s": 26.5, "audio_s": 26.5, "offset_ms": 0}}
VTT_TEXT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.200\n<00:00:00.000>Bees <00:00:00.400>dance.\n"


async def test_the_report_and_the_captions_of_a_finished_job(
    client: httpx.AsyncClient, project: FakeProjectService, tmp_path: Path
) -> None:
    job = await generate(client)
    problem(await client.get(f"/jobs/{job}/report"), 404, "Quality report not ready")
    problem(await client.get(f"/jobs/{job}/captions.vtt"), 404, "Captions not ready")
    blobs = tmp_path / "blobs"
    (blobs / "reports").mkdir(parents=True)
    (blobs / "reports" / f"{job}.json").write_bytes(msgspec.json.encode(REPORT))
    (blobs / "videos").mkdir(parents=True)
    (blobs / "videos" / f"{job}.vtt").write_text(VTT_TEXT, encoding="utf-8")
    await _finish(project, job, report_key=f"reports/{job}.json", vtt_key=f"videos/{job}.vtt")
    status = await _wait_status(client, job, "completed")
    assert status["quality"] == REPORT
    report = await client.get(f"/jobs/{job}/report")
    assert (report.status_code, report.json()) == (200, REPORT)
    assert report.headers["content-type"] == "application/json"
    vtt = await client.get(f"/jobs/{job}/captions.vtt")
    assert vtt.status_code == 200
    assert vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.headers["content-disposition"] == (
        f'attachment; filename="generated_video_{job}.vtt"')
    assert vtt.text == VTT_TEXT
    part = await client.get(f"/jobs/{job}/captions.vtt", headers={"Range": "bytes=0-5"})
    assert (part.status_code, part.content) == (206, b"WEBVTT")
    # The listing stays light: no reports read for it.
    listed = (await client.get("/jobs")).json()["jobs"][str(job)]
    assert "quality" not in listed


async def test_a_job_finished_without_a_report_says_so(
    client: httpx.AsyncClient, project: FakeProjectService, tmp_path: Path
) -> None:
    job = await generate(client)
    await _finish(project, job, report_key=None, vtt_key=None)
    assert (await _wait_status(client, job, "completed"))["quality"] is None
    problem(await client.get(f"/jobs/{job}/report"), 404, "Quality report not ready")
    problem(await client.get(f"/jobs/{job}/captions.vtt"), 404, "Captions not ready")
    # A report key whose file is gone (or is not a report) is no report, never a 500.
    other = await generate(client)
    await _finish(project, other, report_key=f"reports/{other}.json", vtt_key=None)
    assert (await _wait_status(client, other, "completed"))["quality"] is None
    problem(await client.get(f"/jobs/{other}/report"), 404, "Quality report not ready")


@pytest.mark.parametrize("path", ["/jobs/{}/report", "/jobs/{}/captions.vtt"])
async def test_the_report_of_an_unknown_job_is_not_found(
    client: httpx.AsyncClient, path: str
) -> None:
    problem(await client.get(path.format(UUID(int=3))), 404, "Job not found")

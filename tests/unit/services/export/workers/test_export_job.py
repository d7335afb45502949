"""The export job wired by the real bootstrap on the in-memory store, with a scripted
encoder: one outcome per export, an unchanged timeline rendered once, a resumed job that
finds its file does not encode again, production exports take the production's video."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from export_service.bootstrap import export_app
from export_service.domain.export_commands import StartExport
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.exports import (
    Cut,
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportFormat,
    ExportRequested,
    ExportStarted,
    ExportTimeline,
    export_event_decoder,
    export_stream_id,
)
from videogen_contracts.media.editing import ColorGrade
from videogen_eventstore.memory import InMemoryEventStore

from tests.unit.services.export.fakes import DirBlobs, ScriptedCuts, ScriptedRenderer, timeline

FIRST = Delivery(1, 3)


class World:
    def __init__(self, tmp_path: Path, cuts: ScriptedCuts | None = None) -> None:
        self.store = InMemoryEventStore("export")
        self.blobs = DirBlobs(tmp_path / "blobs")
        self.cuts = cuts or ScriptedCuts()
        self.app = export_app(self.store, ScriptedRenderer(step_s=0), self.blobs, self.cuts)
        self.project_id = uuid.uuid4()
        self.key = f"editor/{self.project_id}/assets/clip"
        self.blobs.put(self.key, b"clip")

    def timeline(self) -> list[Cut]:
        return [
            Cut(segment_id=uuid.uuid4(), media_key=self.key, start_ts=0.0, end_ts=1.0),
            Cut(segment_id=uuid.uuid4(), media_key=self.key, start_ts=2.0, end_ts=3.5,
                grade=ColorGrade(saturation=0.0)),
        ]  # fmt: skip

    async def request(
        self, cuts: list[Cut], fmt: ExportFormat = "mp4", production_id: uuid.UUID | None = None
    ) -> RecordedEvent:
        export_id = uuid.uuid4()
        command = ExportTimeline(
            command_id=str(uuid.uuid4()), now=datetime.now(UTC), export_id=export_id,
            project_id=self.project_id, format=fmt, cuts=cuts, production_id=production_id,
        )
        await self.app.exports.handle(command, correlation_id="corr-export")
        return (await self.store.read_stream(export_stream_id(export_id)))[0]

    async def events(self, requested: RecordedEvent) -> list[ExportEvent]:
        recorded = await self.store.read_stream(requested.stream_id)
        return [export_event_decoder.decode(r.data) for r in recorded]

    async def outcome(self, requested: RecordedEvent) -> ExportEvent:
        return (await self.events(requested))[-1]


async def test_an_export_is_rendered_and_recorded_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    requested = await world.request(world.timeline())
    await world.app.export_job(requested, FIRST)
    await world.app.export_job(requested, Delivery(2, 3))  # a redelivery after the outcome

    events = await world.events(requested)
    assert [type(e) for e in events[1:]] == [ExportStarted, ExportCompleted]
    done = events[-1]
    assert isinstance(done, ExportCompleted)
    assert not done.reused
    assert done.video_key.startswith(f"editor/{world.project_id}/exports/")
    written = world.blobs.local_path(done.video_key).read_bytes()
    assert written == b"clip:0.0-1.0.mp4clip:2.0-3.5.mp4"
    assert len(world.cuts.renders) == 1


async def test_an_unchanged_timeline_exported_twice_renders_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    cuts = world.timeline()
    first, second = await world.request(cuts), await world.request(world.timeline())
    await world.app.export_job(first, FIRST)
    await world.app.export_job(second, FIRST)

    one, two = await world.outcome(first), await world.outcome(second)
    assert isinstance(one, ExportCompleted)
    assert isinstance(two, ExportCompleted)
    assert (one.reused, two.reused) == (False, True)
    assert one.video_key == two.video_key
    assert len(world.cuts.renders) == 1

    other = await world.request(cuts, "webm")
    await world.app.export_job(other, FIRST)
    webm = await world.outcome(other)
    assert isinstance(webm, ExportCompleted)
    assert not webm.reused
    assert len(world.cuts.renders) == 2


async def test_a_resumed_job_that_finds_its_file_completes_without_encoding(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    requested = await world.request(world.timeline())
    export_id = uuid.UUID(requested.stream_id.removeprefix("export-"))
    # The killed attempt had started and moved its file in, then died before recording it.
    await world.app.exports.handle(
        StartExport(export_id=export_id, project_id=world.project_id, now=datetime.now(UTC)),
        correlation_id="corr-export",
    )
    request = (await world.app.exports.history(export_id))[0]
    assert isinstance(request, ExportRequested)
    world.blobs.put(request.output_key, b"whole video")

    await world.app.export_job(requested, Delivery(2, 3))
    done = await world.outcome(requested)
    assert isinstance(done, ExportCompleted)
    assert not done.reused  # it was this export's own encode
    assert world.cuts.renders == []
    events = await world.events(requested)
    assert sum(isinstance(e, ExportStarted) for e in events) == 1


async def test_a_missing_input_fails_the_export(tmp_path: Path) -> None:
    world = World(tmp_path)
    gone = Cut(segment_id=uuid.uuid4(), media_key="editor/x/assets/gone", start_ts=0, end_ts=1)
    requested = await world.request([gone])
    await world.app.export_job(requested, FIRST)
    failed = await world.outcome(requested)
    assert isinstance(failed, ExportFailed)
    assert failed.code == "missing_input"


async def test_an_encoder_failure_fails_the_export(tmp_path: Path) -> None:
    world = World(tmp_path, ScriptedCuts(fail_with="bad stream"))
    requested = await world.request(world.timeline())
    await world.app.export_job(requested, FIRST)
    failed = await world.outcome(requested)
    assert isinstance(failed, ExportFailed)
    assert failed.code == "encoder_failed"
    assert "bad stream" in failed.reason


async def _rendered_production(world: World) -> uuid.UUID:
    production_id = uuid.uuid4()
    await world.app.handler.handle(timeline(world.blobs, production_id), correlation_id="c")
    render_requested = (await world.store.read_stream(f"render-{production_id}"))[0]
    await world.app.job(render_requested, FIRST)
    return production_id


async def test_a_production_export_takes_the_production_video(tmp_path: Path) -> None:
    world = World(tmp_path)
    production_id = await _rendered_production(world)
    mp4 = await world.request([], "mp4", production_id)
    await world.app.export_job(mp4, FIRST)
    done = await world.outcome(mp4)
    assert isinstance(done, ExportCompleted)
    video = world.blobs.local_path(f"videos/{production_id}.mp4").read_bytes()
    assert world.blobs.local_path(done.video_key).read_bytes() == video
    assert world.cuts.renders == []  # an mp4 is the production's own, copied

    gif = await world.request([], "gif", production_id)
    await world.app.export_job(gif, FIRST)
    assert isinstance(await world.outcome(gif), ExportCompleted)
    assert world.cuts.renders == [[f"videos/{production_id}.mp4"]]  # transcoded, one cut


async def test_a_production_that_made_no_video_fails_the_export(tmp_path: Path) -> None:
    world = World(tmp_path)
    job = world.app.export_job
    patient = type(job)(job.exports, job.renders, job.renderer, job.blobs,
                        production_wait_s=0.05, poll_s=0.01)  # fmt: skip
    requested = await world.request([], "mp4", uuid.uuid4())
    await patient(requested, FIRST)
    failed = await world.outcome(requested)
    assert isinstance(failed, ExportFailed)
    assert failed.code == "missing_input"
    assert "made no video" in failed.reason

"""The pipelined preparation in-process: real PostgreSQL, NATS, Piper, scene design, ffmpeg.

What the export relies on, decoded and measured:
- the segments cover the script once, in order; each decodes to exactly its `frames`
  frames, and their frames add up to the timeline's (narrations + pauses, rounded on the
  running total);
- the first segment is encoded while the rest is narrated: the last sentences' narration
  (the real voice, behind a gate) waits until the first segment is stored, so a job that
  encoded only after its narration would never finish;
- the captions (.ass, .srt, .vtt with word timestamps) lie inside their scenes' windows;
- a second production of the same project and text reuses every narration and every
  segment (keyed by content: nothing is spoken or encoded again);
- the media half of the quality report is stored and names every scene and language.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest
from media_service.adapters.toolkit import build_toolkit
from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.workers.ports import Narrator
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionsCompleted,
    MediaPreparationFailed,
    NarrationCompleted,
    Presentation,
    SentenceNarrated,
    SentenceText,
    VisualsChosen,
    VoiceSettings,
)
from videogen_media import quality
from videogen_media.render import scene_frames
from videogen_runtime.settings import Settings
from videogen_text.words import SentenceWords

from tests.integration.services.media.workers.preparation_runs import only, run_preparation

pytestmark = pytest.mark.slow

FPS = 30

TEXTS = [
    "Honeybees visit flowers in the sun.",
    "A single bee can fly several kilometres for nectar.",
    "Back at the hive, it dances to show the others the way.",
    "Flowers, fruit trees and vegetables all need them.",
    "Without bees, our plates would be far emptier.",
]


GATED = [
    "The river starts as a trickle high in the mountains.",
    "Snow melts in spring and feeds a thousand small streams.",
    "They join in the valley and the water grows wide and slow.",
    "At last the fresh water meets the salty sea.",
]
LATE = frozenset(GATED[2:])


@dataclass
class GatedNarrator:
    """The service's own narrator; the sentences in LATE are spoken only once a segment
    is stored after `since` (or never: the test then times out)."""

    inner: Narrator
    blobs: Path
    since: float = float("inf")

    def stored_since(self) -> bool:
        return any(
            p.stat().st_mtime >= self.since for p in (self.blobs / "segments").rglob("*.mp4")
        )

    @property
    def name(self) -> str:
        return self.inner.name

    def speaker(self, voice: VoiceSettings, language: str) -> str | None:
        return self.inner.speaker(voice, language)

    async def narrate(
        self, text: str, voice: VoiceSettings, language: str, out: Path
    ) -> SentenceWords:
        if text in LATE:
            async with asyncio.timeout(120):
                while not self.stored_since():  # noqa: ASYNC110  (a file, not an event)
                    await asyncio.sleep(0.05)
        return await self.inner.narrate(text, voice, language, out)


@pytest.fixture(scope="module")
async def media(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MediaService]:
    world = "p" + uuid.uuid4().hex[:10]
    data_dir = tmp_path_factory.mktemp("pipelined-data")
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world, data_dir=data_dir)
    config = MediaConfig(concurrency=2, ack_wait=20.0, tts_parallelism=1)
    async with AsyncExitStack() as stack:
        tools = await build_toolkit(settings, config, stack)
        gated = GatedNarrator(tools.narrator, data_dir / "blobs")
        tools = dataclasses.replace(tools, narrator=gated)
        yield await start_media_service(settings, stack, config=config, tools=tools)


@pytest.fixture(scope="module")
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "pipelined-preparation-test")
    yield client
    await drain(client)


async def prepare(
    media: MediaService, nc: Client, texts: list[str], project_id: uuid.UUID,
    presentation: Presentation | None = None,
) -> list[RecordedEvent]:
    command = PrepareMedia(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=uuid.uuid4(),
        project_id=project_id,
        sentences=[SentenceText(sentence_id=uuid.uuid5(project_id, t), text=t) for t in texts],
        presentation=presentation or Presentation(style="bold"),
    )
    return await run_preparation(media, nc, command, timeout_s=120)


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        assert not container.streams.audio, "a segment is video only"
        return sum(1 for _ in container.decode(video=0))


@pytest.fixture(scope="module")
def project() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture(scope="module")
async def first_run(media: MediaService, nc: Client, project: uuid.UUID) -> list[RecordedEvent]:
    return await prepare(media, nc, TEXTS, project)


async def test_segments_cover_the_timeline_frame_exactly(
    media: MediaService, first_run: list[RecordedEvent]
) -> None:
    events = decode_events(first_run)
    assert not any(isinstance(e, MediaPreparationFailed) for e in events), events[-1]
    narration = only(events, NarrationCompleted)
    visuals = only(events, VisualsChosen)
    assert isinstance(visuals.segments, list)
    assert (visuals.segments[0].first, visuals.segments[0].count) == (0, 2)
    assert sum(s.count for s in visuals.segments) == len(TEXTS)
    lengths = []
    for item in narration.items:
        assert isinstance(item.pause_s, float)
        assert 0.1 <= item.pause_s <= 2.0
        lengths.append(item.duration_s + item.pause_s)
    frames = scene_frames(lengths, FPS)
    edges = [0, *itertools.accumulate(frames)]
    blobs = media.tools.blobs
    for segment in visuals.segments:
        assert segment.frames == edges[segment.first + segment.count] - edges[segment.first]
        assert frame_count(blobs.path_of(segment.key)) == segment.frames, segment
    assert sum(s.frames for s in visuals.segments) == edges[-1]
    assert narration.total_duration_s == pytest.approx(sum(lengths), abs=1e-5)
    # Designed scenes: each visual's key is its still, stored.
    assert all(v.kind == "designed" and v.key for v in visuals.visuals)
    assert all(blobs.path_of(str(v.key)).is_file() for v in visuals.visuals)


async def test_captions_are_word_timed_and_inside_their_scenes(
    media: MediaService, first_run: list[RecordedEvent]
) -> None:
    events = decode_events(first_run)
    narration = only(events, NarrationCompleted)
    frames = scene_frames([i.duration_s + float(i.pause_s or 0) for i in narration.items], FPS)
    edges = [e / FPS for e in [0, *itertools.accumulate(frames)]]
    windows = {
        item.sentence_id: (edges[i], edges[i] + item.duration_s)
        for i, item in enumerate(narration.items)
    }
    captions = only(events, CaptionsCompleted)
    for cue in captions.cues:
        low, high = windows[cue.sentence_id]
        assert low - 1e-3 <= cue.start_s < cue.end_s <= high + 0.05, (cue, low, high)
    assert isinstance(captions.vtt_key, str)
    vtt = media.tools.blobs.path_of(captions.vtt_key).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    assert "<00:" in vtt, "word timestamps inside the cues"
    spoken = [e for e in events if isinstance(e, SentenceNarrated)]
    assert all(e.words_key and e.timing and e.language == "en" for e in spoken), spoken


async def test_the_first_segment_is_encoded_while_the_rest_is_narrated(
    media: MediaService, nc: Client, first_run: list[RecordedEvent]
) -> None:
    gated = media.tools.narrator
    assert isinstance(gated, GatedNarrator)
    gated.since = time.time()
    recorded = await prepare(media, nc, GATED, uuid.uuid4())
    events = decode_events(recorded)
    visuals = only(events, VisualsChosen)
    assert isinstance(visuals.segments, list)
    first = media.tools.blobs.path_of(visuals.segments[0].key)
    late = [
        r for r, e in zip(recorded, events, strict=True)
        if isinstance(e, SentenceNarrated) and e.sentence_id in {
            uuid.uuid5(e.project_id, t) for t in LATE
        }
    ]
    assert len(late) == 2
    assert all(first.stat().st_mtime <= r.recorded_at.timestamp() for r in late)
    report = quality.decode_report(
        media.tools.blobs.path_of(str(visuals.report_key)).read_bytes()
    )
    # Some of the picture was encoded before the narration's end.
    assert report.timings.picture_s is not None
    assert report.timings.picture_after_narration_s is not None
    assert report.timings.picture_after_narration_s < report.timings.picture_s


async def test_the_media_report_describes_scenes_and_languages(
    media: MediaService, first_run: list[RecordedEvent]
) -> None:
    visuals = only(decode_events(first_run), VisualsChosen)
    assert isinstance(visuals.report_key, str)
    report = quality.decode_report(media.tools.blobs.path_of(visuals.report_key).read_bytes())
    assert report.scenes is not None
    assert report.scenes.count == len(TEXTS)
    assert report.scenes.style == "bold"
    assert len(report.scenes.starts_s) == len(TEXTS) + 1
    assert report.scenes.phash_neighbour_distance is not None
    assert report.languages[0].language == "en"
    assert report.languages[0].sentences == len(TEXTS)
    assert report.word_timing is not None
    assert report.captions is not None
    assert report.timings.picture_s is not None


async def test_a_second_production_reuses_narrations_and_segments(
    media: MediaService, nc: Client, project: uuid.UUID, first_run: list[RecordedEvent]
) -> None:
    before = only(decode_events(first_run), VisualsChosen)
    assert isinstance(before.segments, list)
    blobs = media.tools.blobs
    stamps = {s.key: blobs.path_of(s.key).stat().st_mtime_ns for s in before.segments}
    again = decode_events(await prepare(media, nc, TEXTS, project))
    spoken = [e for e in again if isinstance(e, SentenceNarrated)]
    assert spoken
    assert all(e.reused for e in spoken)
    after = only(again, VisualsChosen)
    assert after.segments == before.segments
    assert {k: blobs.path_of(k).stat().st_mtime_ns for k in stamps} == stamps

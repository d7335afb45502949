"""The preparation job on the in-memory store with fake TTS: order, resume, once-only."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from media_service.app.handlers import decode_events
from media_service.bootstrap import media_app
from media_service.domain.commands import RecordNarration
from media_service.workers.keys import narration_key
from media_service.workers.narration_cache import narration_digest
from media_service.workers.preparation import Toolkit
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionsCompleted,
    MediaPreparationFailed,
    NarrationCompleted,
    SentenceNarrated,
    SentenceText,
    VisualsChosen,
    VoiceSettings,
    stream_id_for,
)
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import InMemoryAtomicAppender

from tests.unit.services.media.fakes import (
    DirBlobs,
    FakeCaptioner,
    FakeNarrator,
    FakeVisuals,
    WaveProbe,
    write_wav,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
TEXTS = ["The first sentence here.", "A second one.", "And the third sentence ends it."]
FIRST, LAST = Delivery(1, 5), Delivery(5, 5)


class World:
    def __init__(self, tmp_path: Path, narrator: FakeNarrator | None = None) -> None:
        self.store = InMemoryEventStore("media")
        self.blobs = DirBlobs(tmp_path / "blobs")
        self.narrator = narrator or FakeNarrator()
        tools = Toolkit(
            narrator=self.narrator, probe=WaveProbe(), blobs=self.blobs,
            captioner=FakeCaptioner(), visuals=FakeVisuals(), clock=lambda: NOW,
        )
        # The service's own wiring, on the in-memory store and the fakes.
        app = media_app(self.store, InMemoryAtomicAppender(self.store), tools)
        self.handler, self.job = app.handler, app.job
        self.production_id = uuid4()
        self.project_id = uuid4()
        self.sentences = [SentenceText(sentence_id=uuid4(), text=t) for t in TEXTS]

    async def request(self, voice: VoiceSettings | None = None) -> RecordedEvent:
        command = PrepareMedia(
            command_id=f"prepare-{self.production_id}", now=NOW, production_id=self.production_id,
            project_id=self.project_id, sentences=self.sentences, voice=voice or VoiceSettings(),
        )
        await self.handler.handle(command, correlation_id="corr-1")
        return (await self.recorded())[0]

    def key_of(self, sentence: SentenceText, voice: VoiceSettings | None = None) -> str:
        """Where the job stores (and finds) this sentence's audio: keyed by its content."""
        digest = narration_digest(sentence.text, voice or VoiceSettings(), "en", self.narrator.name)
        return narration_key(self.project_id, digest)

    async def recorded(self) -> list[RecordedEvent]:
        return await self.store.read_stream(stream_id_for(self.production_id))

    async def types(self) -> list[str]:
        return [e.type for e in await self.recorded()]


async def test_a_job_narrates_captions_and_chooses_visuals_in_order(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)

    types = await world.types()
    assert types[0] == "MediaPreparationRequested"
    assert Counter(types[1:4]) == {"SentenceNarrated": 3}
    assert types[4:] == ["NarrationCompleted", "CaptionsCompleted", "VisualsChosen"]
    events = decode_events(await world.recorded())
    done = next(e for e in events if isinstance(e, NarrationCompleted))
    assert [i.sentence_id for i in done.items] == [s.sentence_id for s in world.sentences]
    # Durations are measured from the stored audio (0.1 s per word in the fake).
    assert [i.duration_s for i in done.items] == pytest.approx([0.4, 0.3, 0.6])
    for item in done.items:
        assert (world.blobs.root / item.key).is_file()
    captions = next(e for e in events if isinstance(e, CaptionsCompleted))
    bounds = [x for c in captions.cues for x in (c.start_s, c.end_s)]
    assert bounds == pytest.approx([0.0, 0.4, 0.4, 0.7, 0.7, 1.3])
    visuals = next(e for e in events if isinstance(e, VisualsChosen))
    assert len(visuals.visuals) == 3
    # Causation and correlation lead back to the request.
    request = (await world.recorded())[0]
    for event in (await world.recorded())[1:]:
        assert event.metadata.correlation_id == "corr-1"
        assert event.metadata.causation_id == str(request.event_id)


async def test_the_pause_is_part_of_each_measured_duration(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(VoiceSettings(pause_ms=250)), FIRST)
    done = await _narration_completed(world)
    assert [i.duration_s for i in done.items] == pytest.approx([0.65, 0.55, 0.85])


async def test_a_resumed_job_reuses_stored_audio_and_completes_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    request = await world.request()
    # As if a worker died after storing sentence 0's audio and recording sentence 1.
    first, second, _ = world.sentences
    key = world.key_of(first)
    (world.blobs.root / key).parent.mkdir(parents=True)
    write_wav(world.blobs.root / key, 2.0)
    await _record_one(world, second)

    await world.job(request, Delivery(2, 5))
    await world.job(request, Delivery(3, 5))  # redelivered once more after finishing

    assert world.narrator.spoken == [TEXTS[2]]
    types = await world.types()
    assert types.count("SentenceNarrated") == 3
    assert types.count("NarrationCompleted") == types.count("VisualsChosen") == 1
    done = await _narration_completed(world)
    assert done.items[0].duration_s == pytest.approx(2.0)
    narrated = [e for e in decode_events(await world.recorded()) if isinstance(e, SentenceNarrated)]
    assert {e.sentence_id: e.reused for e in narrated} == {
        first.sentence_id: True, second.sentence_id: False, world.sentences[2].sentence_id: False
    }


async def _record_one(world: World, sentence: SentenceText) -> None:
    tmp = world.blobs.root / "tmp.wav"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    write_wav(tmp, 0.3)
    key = world.key_of(sentence)
    await world.blobs.put_file(key, tmp)
    project_id = decode_events(await world.recorded())[0].project_id
    await world.handler.handle(
        RecordNarration(
            production_id=world.production_id, project_id=project_id, now=NOW,
            sentence_id=sentence.sentence_id, key=key, duration_s=0.3,
        ),
        correlation_id="corr-1",
    )


async def test_twin_jobs_racing_store_every_step_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    request = await world.request()
    await asyncio.gather(world.job(request, FIRST), world.job(request, Delivery(2, 5)))
    types = await world.types()
    assert types.count("SentenceNarrated") == 3
    for once in ("NarrationCompleted", "CaptionsCompleted", "VisualsChosen"):
        assert types.count(once) == 1, once


async def test_text_that_cannot_be_spoken_fails_the_narration(tmp_path: Path) -> None:
    world = World(tmp_path, FakeNarrator(fail_on=TEXTS[1]))
    await world.job(await world.request(), FIRST)
    events = decode_events(await world.recorded())
    failed = events[-1]
    assert isinstance(failed, MediaPreparationFailed)
    assert failed.stage == "narration"
    assert TEXTS[1] in failed.reason
    assert not any(isinstance(e, NarrationCompleted) for e in events)


async def _narration_completed(world: World) -> NarrationCompleted:
    events = decode_events(await world.recorded())
    return next(e for e in events if isinstance(e, NarrationCompleted))


class Broken(Exception):
    pass


async def test_an_infrastructure_error_is_retried_until_the_last_delivery(tmp_path: Path) -> None:
    world = World(tmp_path)
    request = await world.request()

    async def broken_put(key: str, data: bytes) -> None:
        raise Broken("disk full")

    world.blobs.put_bytes = broken_put  # type: ignore[method-assign]
    with pytest.raises(Broken):
        await world.job(request, FIRST)
    assert "MediaPreparationFailed" not in await world.types()

    await world.job(request, LAST)
    failed = decode_events(await world.recorded())[-1]
    assert isinstance(failed, MediaPreparationFailed)
    assert failed.stage == "captions"
    assert "disk full" in failed.reason


async def test_a_closed_preparation_does_nothing(tmp_path: Path) -> None:
    world = World(tmp_path)
    request = await world.request()
    await world.job(request, FIRST)
    before = await world.types()
    spoken = list(world.narrator.spoken)
    await world.job(request, Delivery(2, 5))
    assert await world.types() == before
    assert world.narrator.spoken == spoken


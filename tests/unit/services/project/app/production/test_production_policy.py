"""The production process manager over the in-memory store and bus: the whole path, and
what a redelivered, stale or refused event does (nothing, nothing, a failure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

import msgspec
import pytest
from project_service.adapters.tracking import InMemoryTracker
from project_service.bootstrap import project_app
from project_service.domain.production.decider import Production, fold
from videogen_bus.consumer import TransientError
from videogen_bus.memory import InMemoryBus
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent, to_raw
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import RenderCompleted, RenderProgressed
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionsCompleted,
    ChosenVisual,
    MediaPreparationFailed,
    NarratedSentence,
    NarrationCompleted,
    ProceduralSpec,
    VisualsChosen,
)
from videogen_contracts.project.production import (
    CancelProduction,
    ProductionEvent,
    ProductionFailed,
    StartProduction,
)
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.script.commands import DraftScriptFromText
from videogen_contracts.script.events import (
    ScriptDrafted,
    ScriptSection,
    ScriptSentence,
    studio_script_id,
)
from videogen_eventstore.api import START, Position, position_of
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import InMemoryAtomicAppender

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
JOB = UUID("00000000-0000-4000-8000-000000000001")
S1, S2 = UUID(int=11), UUID(int=12)
SECTION = UUID(int=10)


@dataclass
class Remote:
    """A fake service boundary: records each command and answers with `reply`."""

    reply: CommandReply = field(
        default_factory=lambda: CommandAccepted(stream_id="x", stream_version=1, global_position=1)
    )
    received: list[bytes] = field(default_factory=list)

    async def __call__(self, data: bytes, headers: Mapping[str, str]) -> CommandReply:
        self.received.append(data)
        return self.reply


class World:
    def __init__(self) -> None:
        self.store = InMemoryEventStore("project")
        self.bus = InMemoryBus()
        self.remotes = {name: Remote() for name in ("script", "media", "export")}
        for (service, remote), command in zip(
            self.remotes.items(), ("draft_script_from_text", "prepare_media", "render_timeline"),
            strict=True,
        ):
            self.bus.serve_commands(service, {command: remote})
        self.tracker = InMemoryTracker()
        # The service's own wiring, on the in-memory store, bus and tracker.
        app = project_app(
            self.store, InMemoryAtomicAppender(self.store), self.bus, self.tracker,
            clock=lambda: NOW,
        )
        self.handlers, self.policy = app.production, app.policy
        self.position: Position = START
        self.foreign = {s: InMemoryEventStore(s) for s in ("script", "media", "export")}

    async def start(self) -> None:
        command = StartProduction(
            command_id="start-1", now=NOW, production_id=JOB, project_id=JOB,
            text="Hello there. General Kenobi.",
        )
        await self.handlers.handle(command, correlation_id="corr-1", causation_id=None)
        await self.pump()

    async def pump(self) -> list[RecordedEvent]:
        """Deliver the project service's new events to the process manager, until quiet."""
        delivered = []
        while batch := await self.store.read_all(self.position):
            for event in batch:
                await self.policy.on_event(event)
                self.position = position_of(event)
                delivered.append(event)
        return delivered

    async def deliver(self, service: str, event: msgspec.Struct) -> RecordedEvent:
        """Record a foreign service's event, hand it to the process manager, then pump."""
        recorded = await self.record(service, event)
        await self.policy.on_event(recorded)
        await self.pump()
        return recorded

    async def record(self, service: str, event: msgspec.Struct) -> RecordedEvent:
        store = self.foreign[service]
        new = NewEvent(
            event_id=uuid4(), type=type(event).__name__, data=to_raw(event),
            metadata=EventMetadata(correlation_id="corr-1", project_id=str(JOB)),
        )
        await store.append(f"{service}-{JOB}", [new], None)
        return (await store.read_stream(f"{service}-{JOB}"))[-1]

    async def production(self) -> Production:
        return fold(await self.handlers.history(JOB))

    async def history(self) -> list[ProductionEvent]:
        return await self.handlers.history(JOB)


def script_drafted() -> ScriptDrafted:
    return ScriptDrafted(
        script_id=JOB, project_id=JOB, production_id=JOB, language="en", drafted_at=NOW,
        sections=[
            ScriptSection(
                section_id=SECTION, title="Hello", order=0,
                sentences=[
                    ScriptSentence(sentence_id=S2, text="General Kenobi.", order=1),
                    ScriptSentence(sentence_id=S1, text="Hello there.", order=0),
                ],
            )
        ],
    )


def narrated() -> NarrationCompleted:
    items = [
        NarratedSentence(sentence_id=s, key=f"narration/{JOB}/{s}.wav", duration_s=1.25)
        for s in (S1, S2)
    ]
    return NarrationCompleted(
        production_id=JOB, project_id=JOB, items=items, total_duration_s=2.5, completed_at=NOW
    )


def captioned() -> CaptionsCompleted:
    return CaptionsCompleted(
        production_id=JOB, project_id=JOB, ass_key=f"captions/{JOB}.ass",
        srt_key=f"captions/{JOB}.srt", cues=[], completed_at=NOW,
    )


def visuals() -> VisualsChosen:
    chosen = [
        ChosenVisual(
            sentence_id=s, keywords=["x"], kind="procedural",
            spec=ProceduralSpec(style="gradient", palette=["#000000", "#ffffff"]),
        )
        for s in (S1, S2)
    ]
    return VisualsChosen(production_id=JOB, project_id=JOB, visuals=chosen, chosen_at=NOW)


def rendered() -> RenderCompleted:
    return RenderCompleted(
        render_id=JOB, project_id=JOB, production_id=JOB, video_key=f"videos/{JOB}.mp4",
        subtitle_key=f"videos/{JOB}.srt", duration_s=2.5, size_bytes=12345, completed_at=NOW,
    )


async def test_the_whole_path_from_queued_to_completed() -> None:
    world = World()
    await world.start()
    assert (await world.production()).stage == "scripting"
    draft = msgspec.json.decode(world.remotes["script"].received[0], type=DraftScriptFromText)
    assert (draft.script_id, draft.production_id) == (studio_script_id(JOB), JOB)
    assert draft.text == "Hello there. General Kenobi."

    await world.deliver("script", script_drafted())
    state = await world.production()
    assert (state.exists, state.stage, state.progress) == (True, "narrating", 20)
    prepare = msgspec.json.decode(world.remotes["media"].received[0], type=PrepareMedia)
    assert [s.sentence_id for s in prepare.sentences] == [S1, S2]  # in script order
    assert prepare.render.width == 1280

    await world.deliver("media", narrated())
    assert (await world.production()).progress == 40
    await world.deliver("media", captioned())
    assert (await world.production()).progress == 60
    await world.deliver("media", visuals())
    state = await world.production()
    assert (state.exists, state.stage, state.progress) == (True, "rendering", 90)
    render = msgspec.json.decode(world.remotes["export"].received[0], type=RenderTimeline)
    assert [c.narration_key for c in render.clips] == [f"narration/{JOB}/{s}.wav" for s in (S1, S2)]
    assert render.output_key == f"videos/{JOB}.mp4"
    assert render.captions.ass_key == f"captions/{JOB}.ass"

    await world.deliver("export", RenderProgressed(
        render_id=JOB, project_id=JOB, production_id=JOB, percent=50, progressed_at=NOW
    ))
    assert (await world.production()).percent == 50
    await world.deliver("export", rendered())
    assert (await world.production()).stage == "completed"
    assert (await world.production()).progress == 100
    assert [len(r.received) for r in world.remotes.values()] == [1, 1, 1]


async def test_a_redelivered_event_changes_nothing_even_without_its_tracking_row() -> None:
    world = World()
    await world.start()
    drafted = await world.deliver("script", script_drafted())
    before = await world.store.read_all(START)
    sent = len(world.remotes["media"].received)

    await world.policy.on_event(drafted)  # tracked: skipped outright
    world.tracker.handled.clear()  # as if the process crashed before writing the rows
    await world.policy.on_event(drafted)
    for event in before:
        await world.policy.on_event(event)

    assert await world.store.read_all(START) == before
    resent = world.remotes["media"].received[sent:]
    assert resent, "the crash-before-tracking redelivery resends the command"
    commands = [msgspec.json.decode(d, type=PrepareMedia) for d in world.remotes["media"].received]
    assert len({c.command_id for c in commands}) == 1, "always under the same command id"


async def test_a_stale_event_after_cancellation_is_acknowledged_and_ignored() -> None:
    world = World()
    await world.start()
    await world.deliver("script", script_drafted())
    cancel = CancelProduction(command_id="cancel-1", now=NOW, production_id=JOB)
    await world.handlers.handle(cancel, correlation_id="c", causation_id=None)
    await world.pump()
    await world.deliver("media", narrated())
    await world.deliver("media", captioned())
    assert (await world.production()).stage == "cancelled"


async def test_a_media_failure_fails_the_production_with_its_reason() -> None:
    world = World()
    await world.start()
    await world.deliver("script", script_drafted())
    await world.deliver("media", MediaPreparationFailed(
        production_id=JOB, project_id=JOB, stage="narration", reason="no voice", failed_at=NOW
    ))
    failed = (await world.history())[-1]
    assert isinstance(failed, ProductionFailed)
    assert (failed.stage, failed.code, failed.reason) == ("narrating", "media_failed",
                                                          "narration: no voice")


async def test_a_refused_command_fails_the_production() -> None:
    world = World()
    world.remotes["script"].reply = CommandRejected(code="invalid", message="nothing to say",
                                                   field="text")
    await world.start()
    failed = (await world.history())[-1]
    assert isinstance(failed, ProductionFailed)
    assert failed.code == "script_failed"
    assert "nothing to say" in failed.reason


async def test_an_unavailable_service_is_a_transient_error_to_retry() -> None:
    world = World()
    world.remotes["script"].reply = CommandRejected(code="unavailable", message="busy")
    with pytest.raises(TransientError):
        await world.start()
    # Not tracked: the redelivery will try again.
    assert (await world.production()).stage == "scripting"


async def test_events_of_no_production_are_ignored() -> None:
    world = World()
    await world.start()
    orphan = RenderCompleted(
        render_id=uuid4(), project_id=JOB, production_id=None, video_key="v", subtitle_key=None,
        duration_s=1.0, size_bytes=1, completed_at=NOW,
    )
    await world.deliver("export", orphan)
    unknown = narrated()
    await world.deliver("media", msgspec.structs.replace(unknown, production_id=uuid4()))
    assert (await world.production()).stage == "scripting"

"""The Render aggregate as a pure decider: `decide(command, state)` and `evolve`.

One render per `render_id`: requested once, then progress that only grows, then exactly one
outcome (completed or failed). A step repeated by a worker that resumed a killed job
decides nothing (an empty list): progress at or below what is recorded, a second
completion, a failure after the outcome. That, with deterministic event ids, is what makes
a job that was interrupted and redelivered complete once with its progress monotonic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal, assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import (
    RenderCompleted,
    RenderEvent,
    RenderFailed,
    RenderProgressed,
    RenderRequested,
)

from export_service.domain.commands import CompleteRender, FailRender, RecordProgress, RenderCommand
from export_service.domain.rules import check_key, check_request

Stage = Literal["none", "requested", "completed", "failed"]

# Progress is recorded in steps of at least this many points, so a long encode writes
# about twenty events, not one per ffmpeg progress line.
PROGRESS_STEP = 5
# 100 means "done" and is said by RenderCompleted alone.
MAX_PROGRESS = 99


@dataclass(frozen=True, slots=True)
class Render:
    stage: Stage = "none"
    project_id: UUID | None = None
    production_id: UUID | None = None
    progress: int = 0
    # The finished video, for an editor export that takes a production's video.
    video_key: str | None = None
    duration_s: float = 0.0

    @property
    def closed(self) -> bool:
        return self.stage in ("completed", "failed")


INITIAL = Render()


def evolve(state: Render, event: RenderEvent) -> Render:
    match event:
        case RenderRequested():
            return replace(
                state, stage="requested", project_id=event.project_id,
                production_id=event.production_id,
            )
        case RenderProgressed():
            return replace(state, progress=max(state.progress, event.percent))
        case RenderCompleted():
            return replace(
                state, stage="completed", progress=100, video_key=event.video_key,
                duration_s=event.duration_s,
            )  # fmt: skip
        case RenderFailed():
            return replace(state, stage="failed")
        case _:
            assert_never(event)


def fold(events: Iterable[RenderEvent], state: Render = INITIAL) -> Render:
    for event in events:
        state = evolve(state, event)
    return state


def decide(command: RenderCommand, state: Render) -> list[RenderEvent]:
    """The events a command produces; raises NotFound / Conflict / Invalid instead."""
    match command:
        case RenderTimeline():
            return _request(command, state)
        case RecordProgress():
            return _progress(command, state)
        case CompleteRender():
            return _complete(command, state)
        case FailRender():
            return _fail(command, state)
        case _:
            assert_never(command)


def _request(command: RenderTimeline, state: Render) -> list[RenderEvent]:
    if state.stage != "none":
        raise Conflict(f"render {command.render_id} was already requested")
    check_request(command)
    return [
        RenderRequested(
            render_id=command.render_id, project_id=command.project_id,
            production_id=command.production_id, clips=command.clips, captions=command.captions,
            settings=command.settings, output_key=command.output_key,
            subtitle_key=subtitle_key_for(command), requested_at=command.now,
            # Left out when absent, so a one-pass request encodes as it always did.
            segments=command.segments or msgspec.UNSET,
            sound=command.sound if command.segments else msgspec.UNSET,
            media_report_key=command.media_report_key or msgspec.UNSET,
        )
    ]


def subtitle_key_for(command: RenderTimeline) -> str | None:
    """Where the `.srt` goes: as asked, else next to the video; None without an srt."""
    if command.captions.srt_key is None:
        return None
    if command.subtitle_key is not None:
        return command.subtitle_key
    stem, dot, _ = command.output_key.rpartition(".")
    return f"{stem}.srt" if dot else f"{command.output_key}.srt"


def _ids(render_id: UUID, state: Render) -> tuple[UUID, UUID | None]:
    if state.project_id is None:
        raise NotFound(f"no render {render_id}")
    return state.project_id, state.production_id


def _progress(command: RecordProgress, state: Render) -> list[RenderEvent]:
    project_id, production_id = _ids(command.render_id, state)
    if not 0 <= command.percent <= 100:
        raise Invalid("percent", f"progress is a percentage: {command.percent}")
    percent = min(command.percent, MAX_PROGRESS)
    # A resumed encode starts again from 0: its early progress is below what the first
    # attempt recorded and is dropped here, so the recorded progress never goes back.
    if state.closed or percent < state.progress + PROGRESS_STEP:
        return []
    return [
        RenderProgressed(
            render_id=command.render_id, project_id=project_id, production_id=production_id,
            percent=percent, progressed_at=command.now,
        )
    ]


def _complete(command: CompleteRender, state: Render) -> list[RenderEvent]:
    project_id, production_id = _ids(command.render_id, state)
    if state.closed:
        return []
    check_key("video_key", command.video_key)
    if not command.duration_s > 0:
        raise Invalid("duration_s", f"a rendered video lasts a positive time: {command.duration_s}")
    if command.size_bytes <= 0:
        raise Invalid("size_bytes", f"a rendered video has bytes: {command.size_bytes}")
    return [
        RenderCompleted(
            render_id=command.render_id, project_id=project_id, production_id=production_id,
            video_key=command.video_key, subtitle_key=command.subtitle_key,
            duration_s=command.duration_s, size_bytes=command.size_bytes, completed_at=command.now,
            report_key=command.report_key or msgspec.UNSET,
            vtt_key=command.vtt_key or msgspec.UNSET,
        )
    ]


def _fail(command: FailRender, state: Render) -> list[RenderEvent]:
    project_id, production_id = _ids(command.render_id, state)
    if state.closed:
        return []
    return [
        RenderFailed(
            render_id=command.render_id, project_id=project_id, production_id=production_id,
            code=command.code, reason=command.reason, failed_at=command.now,
        )
    ]

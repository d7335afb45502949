"""The Export aggregate (editor exports, doc 002) as a pure decider.

One export per `export_id`: requested once (with a snapshot of the cuts, or a production
to take the video of), started, then exactly one outcome. A step repeated by a worker
that resumed a killed job decides nothing (an empty list), which with deterministic event
ids makes a redelivered job complete once.

The output key is a digest of what decides the picture and sound, the cuts' media,
windows and grades (not their segment ids: a split that changes nothing exported keeps
the key) and the format, so exporting an unchanged timeline again names the file already
rendered, and the worker reuses it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal, assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.export.exports import (
    Cut,
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportFormat,
    ExportRequested,
    ExportStarted,
    ExportTimeline,
)

from export_service.domain.export_commands import (
    CompleteExport,
    ExportCommand,
    FailExport,
    StartExport,
)
from export_service.domain.rules import check_key

Stage = Literal["none", "requested", "running", "completed", "failed"]

MAX_CUTS = 2_000
DIGEST_CHARS = 32


@dataclass(frozen=True, slots=True)
class Export:
    stage: Stage = "none"
    project_id: UUID | None = None

    @property
    def closed(self) -> bool:
        return self.stage in ("completed", "failed")


INITIAL = Export()


def evolve(state: Export, event: ExportEvent) -> Export:
    match event:
        case ExportRequested():
            return Export(stage="requested", project_id=event.project_id)
        case ExportStarted():
            return replace(state, stage="running")
        case ExportCompleted():
            return replace(state, stage="completed")
        case ExportFailed():
            return replace(state, stage="failed")
        case _:
            assert_never(event)


def fold(events: Iterable[ExportEvent], state: Export = INITIAL) -> Export:
    for event in events:
        state = evolve(state, event)
    return state


def export_output_key(
    project_id: UUID, cuts: list[Cut], fmt: ExportFormat, production_id: UUID | None = None
) -> str:
    """`editor/<pid>/exports/<digest>.<ext>`: equal for equal cuts (or production) and format."""
    content = [[c.media_key, c.start_ts, c.end_ts, c.grade] for c in cuts]
    payload = msgspec.json.encode([fmt, str(production_id or ""), content])
    digest = hashlib.sha256(payload).hexdigest()[:DIGEST_CHARS]
    return f"editor/{project_id}/exports/{digest}.{fmt}"


def decide(command: ExportCommand, state: Export) -> list[ExportEvent]:
    """The events a command produces; raises NotFound / Conflict / Invalid instead."""
    match command:
        case ExportTimeline():
            return _request(command, state)
        case StartExport():
            project_id = _project(command.export_id, state)
            if state.stage != "requested":
                return []
            return [ExportStarted(export_id=command.export_id, project_id=project_id,
                                  started_at=command.now)]  # fmt: skip
        case CompleteExport():
            return _complete(command, state)
        case FailExport():
            project_id = _project(command.export_id, state)
            if state.closed:
                return []
            return [ExportFailed(export_id=command.export_id, project_id=project_id,
                                 code=command.code, reason=command.reason,
                                 failed_at=command.now)]  # fmt: skip
        case _:
            assert_never(command)


def _request(command: ExportTimeline, state: Export) -> list[ExportEvent]:
    if state.stage != "none":
        raise Conflict(f"export {command.export_id} was already requested")
    check_cuts(command.cuts, production=command.production_id is not None)
    return [
        ExportRequested(
            export_id=command.export_id,
            project_id=command.project_id,
            format=command.format,
            cuts=command.cuts,
            production_id=command.production_id,
            requested_at=command.now,
            output_key=export_output_key(
                command.project_id, command.cuts, command.format, command.production_id
            ),
        )
    ]


def check_cuts(cuts: list[Cut], *, production: bool) -> None:
    """Something to export: cuts with non-empty windows of valid keys, or a production."""
    if not cuts and not production:
        raise Invalid("cuts", "the timeline has no active segment to export")
    if len(cuts) > MAX_CUTS:
        raise Invalid("cuts", f"at most {MAX_CUTS} cuts: {len(cuts)}")
    for index, cut in enumerate(cuts):
        check_key(f"cuts[{index}].media_key", cut.media_key)
        if not (math.isfinite(cut.start_ts) and math.isfinite(cut.end_ts)):
            raise Invalid(f"cuts[{index}]", "times must be finite numbers")
        if not 0 <= cut.start_ts < cut.end_ts:
            raise Invalid(f"cuts[{index}]", f"empty window [{cut.start_ts}, {cut.end_ts})")


def _project(export_id: UUID, state: Export) -> UUID:
    if state.project_id is None:
        raise NotFound(f"no export {export_id}")
    return state.project_id


def _complete(command: CompleteExport, state: Export) -> list[ExportEvent]:
    project_id = _project(command.export_id, state)
    if state.closed:
        return []
    check_key("video_key", command.video_key)
    if not command.duration_s > 0:
        raise Invalid("duration_s", f"an export lasts a positive time: {command.duration_s}")
    if command.size_bytes <= 0:
        raise Invalid("size_bytes", f"an export has bytes: {command.size_bytes}")
    return [
        ExportCompleted(
            export_id=command.export_id,
            project_id=project_id,
            video_key=command.video_key,
            duration_s=command.duration_s,
            size_bytes=command.size_bytes,
            reused=command.reused,
            completed_at=command.now,
        )
    ]

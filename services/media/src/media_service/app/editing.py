"""The editor's use cases: the Asset and Timeline aggregates on the decider kernel.

- `start_upload` and the timeline edits (split, trim, delete, grade) run on one stream
  each. Edits of one timeline race on `timeline-<project_id>`: a lost append reloads and
  decides again, so two concurrent edits both apply, one after the other, or the later one
  meets what the first did and is refused (a `Conflict` that names it: "segment … is
  inactive (it was split)"), never a lost update.
- `store_upload` probes the stored bytes first (I/O, outside the decider), then decides the
  asset and its timeline as one unit (`decide_across`): AssetStored and its SegmentAppended
  are appended together, or AssetRejected alone. A rejected file is recorded, and the reply
  is still `Invalid("file")`, so the client learns why at once (a 4xx).

Idempotency: every command keeps its `command_id` across resends (event ids derive from
it). A resent `store_upload` finds its unit already appended and is not probed again; if
that unit was a rejection, the resend gets the same `Invalid` answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from videogen_contracts.envelope import EventMetadata
from videogen_contracts.errors import Invalid
from videogen_contracts.media.editing import (
    AssetEvent,
    MediaStream,
    TimelineEvent,
    asset_event_decoder,
    asset_stream_id,
    timeline_event_decoder,
    timeline_stream_id,
)
from videogen_contracts.media.editing_commands import (
    DeleteSegment,
    GradeSegment,
    SplitSegment,
    StartUpload,
    StoreUpload,
    TrimSegment,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.multi_stream import AtomicAppender, decide_across
from videogen_media.probe import MediaInfo, ProbeFailed, probe_async

from media_service.domain import asset, timeline
from media_service.domain.asset import Asset, AssetCommand, ProbedUpload
from media_service.domain.timeline import Timeline, TimelineCommand
from media_service.domain.upload import decide_store
from media_service.workers.ports import Blobs

ASSET = Aggregate[UUID, AssetCommand, Asset, AssetEvent](
    "asset", asset_stream_id, asset.decide, asset.evolve, asset.INITIAL, asset_event_decoder
)
# A team editing one timeline races for one stream: a generous retry budget.
TIMELINE = Aggregate[UUID, TimelineCommand, Timeline, TimelineEvent](
    "timeline", timeline_stream_id, timeline.decide, timeline.evolve, timeline.INITIAL,
    timeline_event_decoder, max_retries=20,
)

SegmentEdit = SplitSegment | TrimSegment | DeleteSegment | GradeSegment
Probe = Callable[[Path], Awaitable[MediaInfo]]


def streams_of(info: MediaInfo) -> tuple[MediaStream, ...]:
    found: list[MediaStream] = []
    if info.video is not None:
        v = info.video
        found.append(MediaStream(kind="video", codec=v.codec, width=v.width, height=v.height,
                                 fps=v.fps))
    if info.audio is not None:
        a = info.audio
        found.append(MediaStream(kind="audio", codec=a.codec, sample_rate=a.sample_rate,
                                 channels=a.channels))
    return tuple(found)


def metadata_for(project_id: UUID, correlation_id: str, causation_id: str | None) -> EventMetadata:
    # The project id routes every event to `vg.media.<project_id>.<EventType>`.
    return EventMetadata(correlation_id=correlation_id, causation_id=causation_id,
                         project_id=str(project_id))


class EditingHandlers:
    def __init__(
        self, store: EventStore, appender: AtomicAppender, blobs: Blobs, probe: Probe = probe_async
    ) -> None:
        self.streams = Streams(store)
        self.appender = appender
        self.blobs = blobs
        self.probe = probe

    async def start_upload(
        self, command: StartUpload, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        metadata = metadata_for(command.project_id, correlation_id, causation_id)
        return await self.streams.run(ASSET, command.asset_id, command,
                                      command_id=command.command_id, metadata=metadata)

    async def edit(
        self, command: SegmentEdit, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        # One stream per project: every edit of the timeline races on it (module doc).
        metadata = metadata_for(command.project_id, correlation_id, causation_id)
        return await self.streams.run(TIMELINE, command.project_id, command,
                                      command_id=command.command_id, metadata=metadata)

    async def store_upload(
        self, command: StoreUpload, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        # A resend: answered as the first time (naming the timeline, as below), not probed.
        result = (
            await self.streams.earlier(TIMELINE, command.project_id, command.command_id)
            or await self.streams.earlier(ASSET, command.asset_id, command.command_id)
        )
        if result is None:
            probed = await self.probed(command)
            metadata = metadata_for(command.project_id, correlation_id, causation_id)

            def decide(states: list[Any]) -> tuple[list[AssetEvent], list[TimelineEvent]]:
                return decide_store(probed, *states)

            # The reply names the timeline: its append is the unit's last, so a reader
            # that has reached it has the asset too.
            result = await decide_across(
                self.streams, self.appender,
                [(ASSET, command.asset_id), (TIMELINE, command.project_id)], decide,
                command_id=command.command_id, metadata=metadata, reply_to=1,
            )
        stored, _ = await self.streams.load(ASSET, command.asset_id)
        if stored.status == "rejected":
            raise Invalid("file", f"the upload was rejected: {stored.reason}")
        return result

    async def probed(self, command: StoreUpload) -> ProbedUpload:
        """What the probe finds in the stored bytes (an empty file is not probed)."""
        if command.size_bytes == 0:
            return ProbedUpload(upload=command)
        if not await self.blobs.exists(command.blob_key):
            raise Invalid("blob_key", "nothing is stored under blob_key: upload the file first")
        try:
            info = await self.probe(self.blobs.path_of(command.blob_key))
        except ProbeFailed as failed:
            # PyAV's own words ("Invalid data found when processing input"), not our paths.
            cause = failed.__cause__
            return ProbedUpload(upload=command,
                                unreadable=getattr(cause, "strerror", None) or "unreadable")
        return ProbedUpload(upload=command, duration_s=info.duration, streams=streams_of(info))

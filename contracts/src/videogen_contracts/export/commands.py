"""Export commands, sent over request/reply on `ns.command_subject("export", name)`.

`render_timeline` is sent by the production process manager with a deterministic
`command_id`, so a redelivered trigger resends the same command and changes nothing. The
reply is `CommandAccepted` once `RenderRequested` is stored; the encode follows in a worker
and is reported as `RenderProgressed`, then `RenderCompleted` or `RenderFailed`.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.export.events import CaptionTrack, TimelineClip
from videogen_contracts.media.events import PictureSegment, SoundOptions
from videogen_contracts.project.events import Timestamp
from videogen_contracts.project.production import RenderSettings


class RenderTimeline(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    # Timezone-aware (UTC); the decider copies it into the event it records.
    now: Timestamp
    render_id: UUID
    project_id: UUID
    production_id: UUID | None = None
    clips: list[TimelineClip]
    captions: CaptionTrack = msgspec.field(default_factory=CaptionTrack)
    settings: RenderSettings = msgspec.field(default_factory=RenderSettings)
    # Unique to the job, e.g. `videos/<production_id>.mp4`.
    output_key: str
    # Defaults to the output key with `.srt` (when there is an srt to copy).
    subtitle_key: str | None = None
    # Pipelined productions: the picture in segments, the sound, the media's report half.
    segments: list[PictureSegment] = msgspec.field(default_factory=list)
    sound: SoundOptions = msgspec.field(default_factory=SoundOptions)
    media_report_key: str | None = None


COMMANDS: dict[str, type[msgspec.Struct]] = {"render_timeline": RenderTimeline}

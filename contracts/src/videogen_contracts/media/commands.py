"""Media commands, sent over request/reply on `ns.command_subject("media", name)`.

`prepare_media` is sent by the production process manager with a deterministic
`command_id`, so a redelivered trigger resends the same command and changes nothing.
The reply is `CommandAccepted` once `MediaPreparationRequested` is stored; the long work
(narration, captions, visuals) follows in the worker and is reported as events.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.media.events import (
    FrameSettings,
    Presentation,
    SentenceText,
    VoiceSettings,
)
from videogen_contracts.project.events import Timestamp


class PrepareMedia(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    # Timezone-aware (UTC); the decider copies it into the event it records.
    now: Timestamp
    production_id: UUID
    project_id: UUID
    sentences: list[SentenceText]
    voice: VoiceSettings = msgspec.field(default_factory=VoiceSettings)
    render: FrameSettings = msgspec.field(default_factory=FrameSettings)
    language: str = "en"
    presentation: Presentation = msgspec.field(default_factory=Presentation)


COMMANDS: dict[str, type[msgspec.Struct]] = {"prepare_media": PrepareMedia}

"""The Production's internal commands: what the process manager asks of the aggregate.

They never travel on the bus (only `StartProduction`, `CancelProduction` and
`RetryProduction` do, see the contract); the process manager builds them from other
services' events, with a `command_id` derived from the triggering event's id, so a
redelivered event becomes a repeated command and the shared handler answers it without
appending anything.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.media.events import ChosenVisual, PictureSegment
from videogen_contracts.project.events import Timestamp
from videogen_contracts.project.production import (
    CancelProduction,
    FailureCode,
    NarrationClip,
    ProductionSentence,
    RetryProduction,
)


class ProductionStep(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    production_id: UUID


class BeginScripting(ProductionStep, frozen=True):
    pass


class AttachScript(ProductionStep, frozen=True):
    script_id: UUID
    sentences: list[ProductionSentence]


class AttachNarration(ProductionStep, frozen=True):
    clips: list[NarrationClip]
    total_duration_s: float


class AttachCaptions(ProductionStep, frozen=True):
    ass_key: str
    srt_key: str
    # The WebVTT (word timings); UNSET from a media service that writes none.
    vtt_key: str | msgspec.UnsetType = msgspec.UNSET


class AttachVisuals(ProductionStep, frozen=True):
    visuals: list[ChosenVisual]
    # The pipelined media preparation's picture, already encoded, and its half of the
    # quality report; UNSET from a preparation that encodes nothing (the one-pass render).
    segments: list[PictureSegment] | msgspec.UnsetType = msgspec.UNSET
    report_key: str | msgspec.UnsetType = msgspec.UNSET


class ReportNarrationProgress(ProductionStep, frozen=True):
    """One more sentence is narrated (the process manager sees each one once)."""


class ReportRenderProgress(ProductionStep, frozen=True):
    percent: int


class WarnStall(ProductionStep, frozen=True):
    """The watchdog saw nothing move for `idle_s` seconds."""

    idle_s: int
    fail_after_s: int


class CompleteProduction(ProductionStep, frozen=True):
    video_key: str
    subtitle_key: str | None
    duration_s: float
    size_bytes: int
    # The quality report and the WebVTT beside the video, when the render wrote them.
    report_key: str | msgspec.UnsetType | None = msgspec.UNSET
    vtt_key: str | msgspec.UnsetType | None = msgspec.UNSET


class FailProduction(ProductionStep, frozen=True):
    code: FailureCode
    reason: str


ProductionStepCommand = (
    BeginScripting
    | AttachScript
    | AttachNarration
    | AttachCaptions
    | AttachVisuals
    | ReportNarrationProgress
    | ReportRenderProgress
    | WarnStall
    | CompleteProduction
    | FailProduction
    | CancelProduction
    | RetryProduction
)

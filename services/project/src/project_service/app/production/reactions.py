"""Which production step an event asks for: a pure translation, one event at a time.

`step_for` returns the step command for a foreign event, the production's own
`ProductionAdvanced` (for the process manager to dispatch on), or None for events the
production does not care about (a render nobody's production asked for, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export import events as export
from videogen_contracts.media import events as media
from videogen_contracts.project import production
from videogen_contracts.project.production import NarrationClip, ProductionSentence
from videogen_contracts.script import events as script

from project_service.domain.production.commands import (
    AttachCaptions,
    AttachNarration,
    AttachScript,
    AttachVisuals,
    BeginScripting,
    CompleteProduction,
    FailProduction,
    ProductionStepCommand,
    ReportNarrationProgress,
    ReportRenderProgress,
)

Reaction = ProductionStepCommand | production.ProductionAdvanced | None

# What the process manager consumes, by service: the filter of its durable consumers.
WATCHED: dict[str, tuple[str, ...]] = {
    "project": ("ProductionQueued", "ProductionAdvanced"),
    "script": ("ScriptDrafted",),
    "media": (
        "SentenceNarrated",
        "NarrationCompleted",
        "CaptionsCompleted",
        "VisualsChosen",
        "MediaPreparationFailed",
    ),
    "export": ("RenderProgressed", "RenderCompleted", "RenderFailed"),
}


def step_for(event: RecordedEvent, command_id: str, now: datetime) -> Reaction:
    if event.type not in WATCHED.get(event.service, ()):
        return None
    match event.service:
        case "project":
            return _from_production(event, command_id, now)
        case "script":
            return _from_script(event, command_id, now)
        case "media":
            return _from_media(event, command_id, now)
        case "export":
            return _from_export(event, command_id, now)
    return None


def _from_production(event: RecordedEvent, command_id: str, now: datetime) -> Reaction:
    decoded = production.event_decoder.decode(event.data)
    if isinstance(decoded, production.ProductionQueued):
        return BeginScripting(command_id=command_id, now=now, production_id=decoded.production_id)
    if isinstance(decoded, production.ProductionAdvanced):
        return decoded
    return None


def _from_script(event: RecordedEvent, command_id: str, now: datetime) -> Reaction:
    drafted = script.event_decoder.decode(event.data)
    if not isinstance(drafted, script.ScriptDrafted) or drafted.production_id is None:
        return None
    return AttachScript(
        command_id=command_id, now=now, production_id=drafted.production_id,
        script_id=drafted.script_id, sentences=script_sentences(drafted.sections),
    )


def script_sentences(sections: Iterable[script.ScriptSection]) -> list[ProductionSentence]:
    """A script's sentences in reading order: sections by order, sentences by order."""
    return [
        ProductionSentence(sentence_id=s.sentence_id, section_id=section.section_id, text=s.text)
        for section in sorted(sections, key=lambda x: x.order)
        for s in sorted(section.sentences, key=lambda x: x.order)
    ]


def _from_media(event: RecordedEvent, command_id: str, now: datetime) -> Reaction:
    decoded: media.MediaEvent = media.event_decoder.decode(event.data)
    pid = decoded.production_id
    match decoded:
        case media.SentenceNarrated():
            return ReportNarrationProgress(command_id=command_id, now=now, production_id=pid)
        case media.NarrationCompleted():
            clips = [
                NarrationClip(
                    sentence_id=i.sentence_id, key=i.key, duration_s=i.duration_s,
                    pause_s=i.pause_s,
                )
                for i in decoded.items
            ]
            return AttachNarration(
                command_id=command_id, now=now, production_id=pid, clips=clips,
                total_duration_s=decoded.total_duration_s,
            )
        case media.CaptionsCompleted():
            return AttachCaptions(
                command_id=command_id, now=now, production_id=pid, ass_key=decoded.ass_key,
                srt_key=decoded.srt_key, vtt_key=decoded.vtt_key,
            )
        case media.VisualsChosen():
            return AttachVisuals(
                command_id=command_id, now=now, production_id=pid, visuals=decoded.visuals,
                segments=decoded.segments, report_key=decoded.report_key,
            )
        case media.MediaPreparationFailed():
            return FailProduction(
                command_id=command_id, now=now, production_id=pid, code="media_failed",
                reason=f"{decoded.stage}: {decoded.reason}",
            )
    return None


def _from_export(event: RecordedEvent, command_id: str, now: datetime) -> Reaction:
    decoded: export.RenderEvent = export.event_decoder.decode(event.data)
    pid = decoded.production_id
    if pid is None:
        return None
    match decoded:
        case export.RenderProgressed():
            return ReportRenderProgress(
                command_id=command_id, now=now, production_id=pid, percent=decoded.percent
            )
        case export.RenderCompleted():
            return CompleteProduction(
                command_id=command_id, now=now, production_id=pid, video_key=decoded.video_key,
                subtitle_key=decoded.subtitle_key, duration_s=decoded.duration_s,
                size_bytes=decoded.size_bytes, report_key=decoded.report_key,
                vtt_key=decoded.vtt_key,
            )
        case export.RenderFailed():
            return FailProduction(
                command_id=command_id, now=now, production_id=pid, code="render_failed",
                reason=decoded.reason,
            )
    return None

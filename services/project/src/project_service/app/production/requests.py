"""What a production asks of the other services, built from its own history alone.

The `*Attached` events put everything the next request needs into the production stream
(the text and settings, the script's sentences, the narration clips, the caption files,
the visuals), so the process manager never reads another service's tables. Each builder
is pure: same history and command id in, same command out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid5

import msgspec
from msgspec import UNSET
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import CaptionTrack, TimelineClip
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    ChosenVisual,
    FrameSettings,
    PictureSegment,
    Presentation,
    SentenceText,
    SoundOptions,
)
from videogen_contracts.media.events import VoiceSettings as MediaVoice
from videogen_contracts.project.production import (
    NarrationClip,
    ProductionCaptionsAttached,
    ProductionEvent,
    ProductionNarrationAttached,
    ProductionQueued,
    ProductionRetried,
    ProductionScriptAttached,
    ProductionSentence,
    ProductionVisualsAttached,
)
from videogen_contracts.script.commands import DraftScriptFromText
from videogen_contracts.script.events import studio_script_id


class IncompleteInputs(Exception):
    """The history lacks something a request needs (a sentence with no narration, say)."""


@dataclass(frozen=True, slots=True)
class ProductionInputs:
    queued: ProductionQueued | None = None
    sentences: tuple[ProductionSentence, ...] = ()
    clips: tuple[NarrationClip, ...] = ()
    captions: ProductionCaptionsAttached | None = None
    visuals: tuple[ChosenVisual, ...] = field(default=())
    # The picture already encoded by the media preparation (none: the one-pass render),
    # and the media half of the quality report.
    segments: tuple[PictureSegment, ...] = ()
    media_report_key: str | None = None
    attempt: int = 1


def gather(events: Iterable[ProductionEvent]) -> ProductionInputs:
    inputs = ProductionInputs()
    for event in events:
        match event:
            case ProductionQueued():
                inputs = replace(inputs, queued=event)
            case ProductionScriptAttached():
                inputs = replace(inputs, sentences=tuple(event.sentences))
            case ProductionNarrationAttached():
                inputs = replace(inputs, clips=tuple(event.clips))
            case ProductionCaptionsAttached():
                inputs = replace(inputs, captions=event)
            case ProductionVisualsAttached():
                # A retry's visuals replace the earlier ones, their segments with them.
                inputs = replace(
                    inputs, visuals=tuple(event.visuals),
                    segments=tuple(event.segments) if event.segments is not UNSET else (),
                    media_report_key=event.report_key if event.report_key is not UNSET else None,
                )
            case ProductionRetried():
                inputs = replace(inputs, attempt=event.attempt)
            case _:
                pass
    return inputs


def _queued(inputs: ProductionInputs) -> ProductionQueued:
    if inputs.queued is None:
        raise IncompleteInputs("the production was never queued")
    return inputs.queued


def sound_of(presentation: Presentation) -> SoundOptions:
    """The sound as asked, its music's mood following the look when the client named none
    (the music beds know the looks' names: playful plays bright, documentary reflective)."""
    sound = presentation.sound
    if sound.music_mood is None:
        return msgspec.structs.replace(sound, music_mood=presentation.style)
    return sound


def presentation_of(queued: ProductionQueued) -> Presentation:
    """The look the production was queued with; the default for one queued before looks."""
    return queued.presentation if queued.presentation is not UNSET else Presentation()


def draft_script(inputs: ProductionInputs, command_id: str, now: datetime) -> DraftScriptFromText:
    queued = _queued(inputs)
    return DraftScriptFromText(
        command_id=command_id,
        now=now,
        # The job's project's studio script: a text2video job makes its own project, and its
        # script is then edited and rendered again like any studio project's (the studio's
        # edits act on `studio_script_id(project)`). A resend names the same script.
        script_id=studio_script_id(queued.project_id),
        project_id=queued.project_id,
        production_id=queued.production_id,
        text=queued.text,
        language=queued.language,
    )


def prepare_media(inputs: ProductionInputs, command_id: str, now: datetime) -> PrepareMedia:
    queued = _queued(inputs)
    if not inputs.sentences:
        raise IncompleteInputs("the script has no sentences")
    voice, render = queued.voice, queued.render
    return PrepareMedia(
        command_id=command_id,
        now=now,
        production_id=queued.production_id,
        project_id=queued.project_id,
        sentences=[
            SentenceText(sentence_id=s.sentence_id, section_id=s.section_id, text=s.text)
            for s in inputs.sentences
        ],
        voice=MediaVoice(
            rate=voice.rate, pitch=voice.pitch, pause_ms=voice.pause_ms, voice=voice.voice
        ),
        render=FrameSettings(aspect=render.aspect, width=render.width, height=render.height),
        language=queued.language,
        presentation=presentation_of(queued),
    )


def output_keys(production_id: UUID, container: str = "mp4") -> tuple[str, str]:
    """Where the video and its subtitles go: unique to the job, so a re-render overwrites."""
    return f"videos/{production_id}.{container}", f"videos/{production_id}.srt"


def render_id_for(production_id: UUID, attempt: int) -> UUID:
    """The first render is the production's own id; a retry's is a new render of its own
    (a render that failed or was cancelled stays as it was), writing to the same key."""
    return production_id if attempt <= 1 else uuid5(production_id, f"render-attempt-{attempt}")


def render_timeline(inputs: ProductionInputs, command_id: str, now: datetime) -> RenderTimeline:
    queued = _queued(inputs)
    clips = {c.sentence_id: c for c in inputs.clips}
    visuals = {v.sentence_id: v for v in inputs.visuals}
    timeline = []
    for sentence in inputs.sentences:
        clip, visual = clips.get(sentence.sentence_id), visuals.get(sentence.sentence_id)
        if clip is None or visual is None:
            missing = "narration" if clip is None else "visual"
            raise IncompleteInputs(f"sentence {sentence.sentence_id} has no {missing}")
        timeline.append(
            TimelineClip(
                clip_id=sentence.sentence_id, text=sentence.text, narration_key=clip.key,
                duration_s=clip.duration_s, visual=visual, pause_s=clip.pause_s,
            )
        )
    if not timeline:
        raise IncompleteInputs("the timeline is empty")
    video_key, subtitle_key = output_keys(queued.production_id, queued.render.container)
    captions = inputs.captions
    return RenderTimeline(
        command_id=command_id,
        now=now,
        render_id=render_id_for(queued.production_id, inputs.attempt),
        project_id=queued.project_id,
        production_id=queued.production_id,
        clips=timeline,
        captions=CaptionTrack(
            ass_key=captions.ass_key if captions else None,
            srt_key=captions.srt_key if captions else None,
            vtt_key=captions.vtt_key if captions else UNSET,
        ),
        settings=queued.render,
        output_key=video_key,
        subtitle_key=subtitle_key if captions else None,
        segments=_segments_of(inputs),
        sound=sound_of(presentation_of(queued)),
        media_report_key=inputs.media_report_key,
    )


def _segments_of(inputs: ProductionInputs) -> list[PictureSegment]:
    """The encoded picture, in timeline order; none for a one-pass render. Segments that
    do not cover the sentences exactly (contiguous, from the first to the last) would join
    into a picture out of step with its sound, so they fail the request instead."""
    segments = sorted(inputs.segments, key=lambda s: s.first)
    expected = 0
    for segment in segments:
        if segment.first != expected or segment.count <= 0:
            raise IncompleteInputs(
                f"the picture's segments do not cover the timeline: one starts at sentence"
                f" {segment.first}, {expected} was expected"
            )
        expected += segment.count
    if segments and expected != len(inputs.sentences):
        raise IncompleteInputs(
            f"the picture's segments cover {expected} sentences of {len(inputs.sentences)}"
        )
    return segments

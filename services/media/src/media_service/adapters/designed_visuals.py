"""The pipelined preparation's Pictures port on videogen_media: designed scenes, word
captions, segment encodes.

Everything that makes a picture is the libraries': the look of each style (looks), the
scene's layout and layers (scene_design, with the icon set), the captions' cues and
files (word_captions), the pause after a sentence (soundtrack), the segment encode
(segment_render) and the word aligner (word_align). This adapter holds what they share for
a process (the icon set, the caption font) and turns a caption option the library refuses
into a StageFailed that names it.

Why segments are encoded with `RenderSettings` for the frame (30 fps, x264 veryfast crf 23,
the export's defaults): the export joins them by stream copy, so every segment of a video
must have identical encoder parameters, and the preparation request carries no encoder
settings of its own (the export checks the request's settings match, and renders in one
pass otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from videogen_contracts.media.events import (
    CaptionCue,
    CaptionOptions,
    FrameSettings,
    VisualStyle,
)
from videogen_media import segment_render, soundtrack, word_align, word_captions
from videogen_media.caption_fonts import font_chain
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.fonts import CaptionFont
from videogen_media.icons import IconSet
from videogen_media.looks import look_for
from videogen_media.render_settings import RenderSettings
from videogen_media.scene_design import compose_scene
from videogen_media.scene_types import ComposedScene
from videogen_text.words import SentenceWords, WordTiming

from media_service.workers.picture_ports import (
    CaptionSet,
    SceneRequest,
    SegmentPart,
    SpokenSentence,
)
from media_service.workers.ports import StageFailed


def segment_settings(frame: FrameSettings) -> RenderSettings:
    return RenderSettings(aspect=frame.aspect, frame=(frame.width, frame.height))


class DesignedPictures:
    def __init__(self, font: CaptionFont, icons: IconSet | None = None) -> None:
        self.font = font
        self._icons = icons

    @property
    def icons(self) -> IconSet:
        # Loaded on first use (cached per process by the library), not at import.
        if self._icons is None:
            self._icons = IconSet.installed()
        return self._icons

    def fps(self, frame: FrameSettings) -> int:
        return segment_settings(frame).fps

    def encoder_identity(self, frame: FrameSettings) -> str:
        settings = segment_settings(frame)
        return f"{settings.size}:{sorted(settings.encoder_options().items())}"

    def design(
        self, scenes: Sequence[SceneRequest], style: VisualStyle, frame: FrameSettings,
        workdir: Path,
    ) -> list[ComposedScene]:
        look = look_for(style)
        size = (frame.width, frame.height)
        composed: list[ComposedScene] = []
        for index, request in enumerate(scenes):
            # Neighbours never repeat an icon: the scene before's are excluded.
            previous = composed[-1].icons if composed else ()
            directory = workdir / f"scene-{index:04d}"
            directory.mkdir(parents=True, exist_ok=True)
            composed.append(
                compose_scene(
                    request.text, index, len(scenes), look, size, directory, icons=self.icons,
                    exclude_icons=previous, media=request.media,
                    media_source=request.media_source,
                )
            )
        return composed

    def icon_tags(self, icon_ids: Sequence[str]) -> list[str]:
        tags: list[str] = []
        for icon_id in icon_ids:
            icon = self.icons.get(icon_id)
            tags.extend(t for t in (icon.id, *icon.terms) if t not in tags)
        return tags

    def pause_after(self, text: str, *, section_end: bool) -> float:
        return soundtrack.pause_after(text, section_end=section_end)

    def captions(
        self, sentences: Sequence[SpokenSentence], frame: FrameSettings,
        options: CaptionOptions, style: VisualStyle,
    ) -> CaptionSet:
        look = look_for(style)
        try:
            caption_look = word_captions.resolve_look(
                options, width=frame.width, height=frame.height,
                default_style=look.caption_style, default_highlight=look.caption_highlight,
            )
        except ValueError as error:
            raise StageFailed(f"captions: {error}") from error
        timed = [_timed(s) for s in sentences]
        try:
            files = word_captions.build_captions(timed, self.font, caption_look)
        except ValueError as error:  # a blank caption, an empty window: name it
            raise StageFailed(f"captions: {error}") from error
        cues = [
            CaptionCue(
                sentence_id=sentences[cue.sentence_index].sentence_id, start_s=cue.start,
                end_s=cue.end, text=cue.text,
            )
            for cue in files.cues
        ]
        checks = files.checks
        return CaptionSet(
            ass=files.ass, srt=files.srt, vtt=files.vtt, cues=cues,
            change_times=list(files.change_times), inside_safe_area=checks.inside_safe_area,
            no_overflow=checks.no_overflow, lines=checks.lines, problems=list(checks.problems),
            style=caption_look.style,
        )

    def segment_captions(self, ass: str, start_s: float, end_s: float) -> str:
        return word_captions.segment_ass(ass, start_s, end_s)

    def words_of(self, wav: Path, text: str, language: str) -> SentenceWords:
        # Plain floats: the sidecar is JSON (an aligner may hand back numpy scalars).
        words = [
            WordTiming(w.word, float(w.start), float(w.end))
            for w in word_align.align_words(wav, text)
        ]
        return SentenceWords(source="aligner", words=words, language=language)

    async def encode(
        self, parts: Sequence[SegmentPart], frame: FrameSettings, output: Path, *,
        style: VisualStyle, captions: Path | None, caption_changes: Sequence[float],
        previous_still: Path | None,
    ) -> None:
        look = look_for(style)
        try:
            await segment_render.render_segment(
                [segment_render.SegmentScene(p.scene, p.frames) for p in parts],
                segment_settings(frame), output, captions=captions,
                caption_changes=caption_changes, fonts_dir=font_chain(self.font).directory,
                transition=look.transition, transition_s=look.transition_s,
                previous_still=previous_still,
            )
        except FfmpegFailed as error:
            # As the export treats an encoder failure: the input is at fault, and a retry
            # would fail the same way.
            raise StageFailed(f"picture segment: {error}") from error


def _timed(sentence: SpokenSentence) -> word_captions.TimedText:
    """A sentence's caption window and words on the whole timeline."""
    offset = sentence.start_s
    words = [WordTiming(w.word, w.start + offset, w.end + offset) for w in sentence.words.words]
    return word_captions.TimedText(
        text=sentence.text, start=offset, end=offset + sentence.speech_s, words=words or None,
        language=sentence.language,
    )

"""The job's Captioner: videogen_media.captions, between the job's types and the library's.

Layout, timing and the `.ass`/`.srt` text are the library's (one copy for every service);
this adapter only maps sentences in and cues out, and turns a caption the library refuses
(a sentence with no visible text, an empty narration window) into a StageFailed that
names the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from videogen_contracts.media.events import CaptionCue, FrameSettings
from videogen_media import captions
from videogen_media.fonts import CaptionFont

from media_service.workers.ports import CaptionFiles, StageFailed, TimedSentence


class AssCaptioner:
    def __init__(self, font: CaptionFont) -> None:
        self.font = font

    def build(
        self, sentences: Sequence[TimedSentence], frame: FrameSettings, language: str
    ) -> CaptionFiles:
        style = captions.CaptionStyle.for_frame(frame.width, frame.height)
        timed = [captions.TimedSentence(s.text, s.start_s, s.end_s) for s in sentences]
        try:
            cues = captions.build_cues(timed, self.font, style)
        except captions.BlankCaption as error:
            # A sentence spoken under an empty caption is a bug upstream: say which.
            index = error.sentence_index
            which = sentences[index].sentence_id if index is not None else "?"
            raise StageFailed(f"sentence {which} has no visible caption text") from error
        except ValueError as error:  # an empty narration window
            raise StageFailed(str(error)) from error
        cjk_family = self.font.cjk.family if self.font.cjk else None
        return CaptionFiles(
            ass=captions.to_ass(cues, self.font.family, style, cjk_family),
            srt=captions.to_srt(cues),
            cues=[
                CaptionCue(
                    sentence_id=sentences[cue.sentence_index].sentence_id, start_s=cue.start,
                    end_s=cue.end, text=cue.text,
                )
                for cue in cues
            ],
        )

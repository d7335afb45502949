"""Subtitles of joined scenes: each scene's SRT shifted to where the scene starts.

A cue is kept inside its own scene: one that runs past the scene's end (a scene cut to
its maximum length after its narration was timed) is clipped there, and one that starts
after it is dropped, so the subtitles of one scene never show over the next.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from videogen_media.captions import CaptionCue, to_srt

_TIMING = re.compile(
    r"^\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
)


class InvalidSrt(ValueError):
    """An SRT whose timing line cannot be read."""


@dataclass(frozen=True, slots=True)
class SceneSubtitles:
    """One scene's cues (`parse_srt`) and its place in the output."""

    cues: Sequence[CaptionCue]
    start: float
    length: float


def _seconds(hours: str, minutes: str, seconds: str, millis: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[CaptionCue]:
    """The cues of an SRT (any line endings, a BOM, `.` or `,` before the milliseconds).

    A block without text or of no length is skipped; a block whose timing line does not
    parse is InvalidSrt, naming it.
    """
    blocks = re.split(r"\n[ \t]*\n", text.lstrip("\ufeff").replace("\r\n", "\n").strip())
    cues: list[CaptionCue] = []
    for number, block in enumerate(b for b in blocks if b.strip()):
        lines = block.split("\n")
        # The counter line is optional in practice; the timing line is what counts.
        if not _TIMING.match(lines[0]) and len(lines) > 1:
            lines = lines[1:]
        timing = _TIMING.match(lines[0])
        if timing is None:
            raise InvalidSrt(f"cue {number + 1}: no timing line in {block[:80]!r}")
        g = timing.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        text_lines = tuple(line for line in lines[1:] if line.strip())
        if text_lines and end > start:
            cues.append(CaptionCue(start, end, text_lines, len(cues)))
    return cues


def merge_srts(scenes: Sequence[SceneSubtitles]) -> str | None:
    """One SRT for the joined scenes, numbered from 1; None when no scene has a cue."""
    merged: list[CaptionCue] = []
    for scene in scenes:
        for cue in scene.cues:
            end = min(cue.end, scene.length)
            if cue.start >= scene.length or end <= cue.start:
                continue
            shifted = (scene.start + cue.start, scene.start + end)
            merged.append(CaptionCue(*shifted, cue.lines, len(merged)))
    return to_srt(merged) if merged else None

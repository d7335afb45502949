"""WebVTT with word timings: one cue per screen, `<hh:mm:ss.ttt>` before each later word.

A word's timestamp must be later than the cue's start and every timestamp before it and
earlier than the cue's end (WebVTT's cue text rules); one that is not (two words spoken
in the same millisecond) is left out, and its word shares the timestamp before it.
"""

from __future__ import annotations

from collections.abc import Sequence

from videogen_media.caption_words import Screen, Unit

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def _stamp(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _escape(text: str) -> str:
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def _payload(screen: Screen, start_ms: int, end_ms: int) -> str:
    last = start_ms
    lines: list[str] = []
    for line in screen.lines:
        parts: list[str] = []
        for i, unit in enumerate(line):
            at = round(unit.start * 1000)
            stamp = ""
            if last < at < end_ms:
                stamp, last = f"<{_stamp(at)}>", at
            parts.append(stamp + _escape(unit.text) + (" " if _spaced(line, i, unit) else ""))
        lines.append("".join(parts))
    return "\n".join(lines)


def _spaced(line: Sequence[Unit], i: int, unit: Unit) -> bool:
    return unit.space_after and i < len(line) - 1


def to_vtt(shown: Sequence[tuple[Screen, tuple[int, int]]]) -> str:
    """`shown`: the screens with their spans in centiseconds (as the `.ass` has them)."""
    blocks = ["WEBVTT\n"]
    for n, (screen, (a, b)) in enumerate(shown, start=1):
        start_ms, end_ms = a * 10, b * 10
        blocks.append(
            f"{n}\n{_stamp(start_ms)} --> {_stamp(end_ms)}\n{_payload(screen, start_ms, end_ms)}\n"
        )
    return "\n".join(blocks)

"""The video track of a timeline, sending through the graph only frames that differ.

Why: burning captions costs about a millisecond per 720p frame (libass blends its glyph
bitmaps onto every frame it is given), a quarter of a whole 60 s encode, and scaling a
background up costs as much again. But a still background only changes where a scene or
a caption changes, and a drifting one only when it is redrawn (6 times a second). So
each scene sends only those frames, stamped with their time on the timeline; all pieces
are merged in time order (`interleave` keeps the timestamps, unlike `concat`), captions
are burnt on those few frames, and only then does `fps` repeat each frame until the next,
giving the encoder a constant frame rate of mostly identical frames (nearly free in x264).

Video clips go through at the full frame rate.

Why change frames are rounded UP: a frame at time k/fps shows a caption when
start <= k/fps < end (libass's rule). Cutting at the first frame at or after each start
and end gives every stretch the caption state libass shows at its first frame, which is
what the full-rate path would show on every frame of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ffmpeg

Finish = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Piece:
    """One scene's frames, starting at `start` on the timeline.

    held: the stream is ONE frame, shown for the whole scene.
    every: otherwise, keep one frame in `every` (1 = all) plus those at caption changes.
    finish: applied to the kept frames only (say, scaling a small background up).
    """

    stream: Any
    start: int
    held: bool = False
    every: int = 1
    finish: Finish | None = None


def change_frames(times: Iterable[float], fps: int) -> set[int]:
    """The first frame at or after each caption change time."""
    return {math.ceil(round(t * fps, 6)) for t in times}


def stretch_starts(start: int, frames: int, changes: set[int]) -> list[int]:
    """Where a held scene [start, start+frames) must show a new frame."""
    return [start, *sorted(f for f in changes if start < f < start + frames)]


def stamped(stream: Any, first_frame: int, fps: int) -> Any:
    """Frames of `stream` renumbered from `first_frame` on the timeline.

    The time base is set to one frame first: timestamps are integers in it, so in an
    image's 1/25 a frame meant for 67/30 s would be rounded to 56/25 s (2.24 s, not
    2.233 s), off its caption change.
    """
    return stream.filter("settb", f"1/{fps}").setpts(f"(N+{first_frame})/({fps}*TB)")


def _kept(piece: Piece, end: int, changes: set[int], fps: int) -> list[Any]:
    if piece.held:
        cuts = stretch_starts(piece.start, end - piece.start, changes)
        copies = [piece.stream] if len(cuts) == 1 else _split(piece.stream, len(cuts))
        return [stamped(c, cut, fps) for c, cut in zip(copies, cuts, strict=True)]
    stream = stamped(piece.stream, piece.start, fps)
    if piece.every > 1:
        inside = sorted(f - piece.start for f in changes if piece.start < f < end)
        keep = "+".join([f"not(mod(n,{piece.every}))", *(f"eq(n,{f})" for f in inside)])
        stream = stream.filter("select", keep)
    return [piece.finish(stream) if piece.finish else stream]


def sparse_track(
    pieces: Sequence[Piece], changes: set[int], total_frames: int, size: tuple[int, int], fps: int
) -> Any:
    """Merge the pieces' frames in time order (pieces are contiguous, in order)."""
    ends = [p.start for p in pieces[1:]] + [total_frames]
    inputs = [s for p, end in zip(pieces, ends, strict=True) for s in _kept(p, end, changes, fps)]
    return merge_stamped(inputs, total_frames, size, fps)


def merge_stamped(
    streams: Sequence[Any], total_frames: int, size: tuple[int, int], fps: int
) -> Any:
    """Merge streams whose frames are already stamped on the timeline (in 1/fps), in time
    order, ending with a sentinel frame at `total_frames`."""
    # A last frame at the end, so `fps` knows how long to repeat the one before it.
    w, h = size
    sentinel = ffmpeg.input(f"color=c=black:s={w}x{h}:r={fps}:d=0.1", f="lavfi").video
    last = sentinel.trim(end_frame=1).filter("format", "yuv420p")
    inputs = [*streams, stamped(last, total_frames, fps)]
    return ffmpeg.filter(inputs, "interleave", nb_inputs=len(inputs))


def for_libass(stream: Any, fps: int) -> Any:
    """The merged frames as the `ass` filter must see them: a hair after their true time.

    ffmpeg hands libass `(long long)(pts * av_q2d(tb) * 1000)` ms, and after `interleave`
    the time base is 1/1000000: a frame exactly on a cue time (93/30 s, 3100000 us) comes
    out as 3099.9999... ms and is truncated to 3099. A cue starting there is then missed,
    and one ending there drawn: on one frame of the full-rate path, on a whole held stretch
    of the fast path. That is one frame in ten at 30 fps, so a cue time on a tenth of a
    second hit it about one time in three. In a time base of half a millisecond per fps,
    one tick later puts every frame 1/(2*fps) ms after its true time: far above the float
    error, and below the smallest gap (1/fps ms) from a frame time to the next whole
    millisecond, so the truncated value is the true time's floor and libass's
    `start <= t < end` holds exactly (checked for every frame of 24 h at 24 to 60 fps).
    """
    return stream.filter("settb", f"1/{2000 * fps}").setpts("PTS+1")


def densify(stream: Any, fps: int, total_frames: int) -> Any:
    """Repeat each frame until the next, at `fps`, and end exactly at `total_frames`."""
    return stream.filter("fps", fps).trim(end_frame=total_frames).setpts(f"N/({fps}*TB)")


def _split(stream: Any, count: int) -> list[Any]:
    node = stream.filter_multi_output("split", count)
    return [node.stream(i) for i in range(count)]

"""A segment of a video: several composed scenes animated, captioned, encoded on their own.

Video only, EXACTLY sum(frames) frames, with the encoder options of the RenderSettings, so
the segments of one video share their parameters and join by stream copy (segment_join).

How it stays near the cost of a plain encode (see video_track): each scene is its
background, decoded once and held, with its layers overlaid at their positions; but only
the frames whose picture differs (segment_plan: the transition's, the entrances', a drift
step's, a caption change's) go through the overlays and libass, stamped with their time;
`fps` then repeats them, and x264 meets mostly identical frames, nearly free. A transition
is made over its few frames only, between the previous scene's still (its last frame,
segment_motion) and the new scene's first frames.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from videogen_media.ffmpeg import ProgressCallback, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.layer_frames import (
    Sprite,
    canvas_size,
    entrance_looks,
    load_sprite,
    write_looks,
)
from videogen_media.render import GLOBAL_OPTIONS, IMAGE_SUFFIXES, _fill
from videogen_media.render_settings import RenderSettings
from videogen_media.scene_types import ComposedScene, Transition
from videogen_media.segment_join import join_segments
from videogen_media.segment_motion import (
    LayerMotion,
    ease_out,
    plan_layers,
    select_expr,
    step_expr,
)
from videogen_media.segment_plan import ScenePlan, pan_margin, plan_scene, transition_frames
from videogen_media.video_track import change_frames, densify, for_libass, merge_stamped, stamped

__all__ = ["SegmentScene", "join_segments", "render_segment"]

TRANSITIONS = ("cut", "crossfade", "slide", "wipe")
CROSSFADE_HZ = 15
_AUDIO_OPTIONS = ("acodec", "b:a", "ar")


def crossfade_step(fps: int) -> int:
    """A crossfade changes every frame's every pixel, which x264 pays for in full (about
    25 ms a frame here, with the frames that refine it after): it steps at 15 a second,
    which a dissolve of a few tenths of a second does not show; a wipe or a slide (motion)
    keeps the full rate."""
    return max(1, round(fps / CROSSFADE_HZ))


class InvalidSegment(ValueError):
    """A segment that cannot be rendered as asked (named in the message)."""


@dataclass(frozen=True, slots=True)
class SegmentScene:
    scene: ComposedScene
    frames: int


@dataclass(frozen=True, slots=True)
class _Job:
    scenes: Sequence[SegmentScene]
    settings: RenderSettings
    scratch: Path
    changes: set[int]
    every_frame: bool
    transition: Transition
    transition_s: float
    previous_still: Path | None


async def render_segment(
    scenes: Sequence[SegmentScene],
    settings: RenderSettings,
    output: Path,
    *,
    captions: Path | None = None,
    caption_changes: Sequence[float] | None = None,
    fonts_dir: Path | None = None,
    transition: Transition = "crossfade",
    transition_s: float = 0.4,
    previous_still: Path | None = None,
    ffmpeg_exe: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> None:
    """Render `scenes` to `output` (atomically: whole or absent). `caption_changes`, every
    cue start and end in segment seconds, lets libass see only the frames that change;
    without it every frame is captioned. `previous_still`: the scene before the segment,
    which the first scene transitions from."""
    # Checking the files is blocking I/O: off the loop, like the drawing below.
    await asyncio.to_thread(_validate, scenes, transition, transition_s, previous_still, captions)
    fps = settings.fps
    total = sum(s.frames for s in scenes)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.tmp-{uuid.uuid4().hex}{output.suffix}")
    with tempfile.TemporaryDirectory(prefix="vg-segment-") as scratch:
        job = _Job(
            scenes,
            settings,
            Path(scratch),
            change_frames(caption_changes or (), fps),
            captions is not None and caption_changes is None,
            transition,
            transition_s,
            previous_still,
        )
        # Decoding layers and writing their entrance frames is numpy work: off the loop.
        video = await asyncio.to_thread(_video_track, job)
        if captions is not None:
            options = {"filename": str(captions)}
            if fonts_dir is not None:
                options["fontsdir"] = str(fonts_dir)
            video = for_libass(video, fps).filter("ass", **options)
        argv = _argv(
            densify(video, fps, total), settings, partial, job.scratch / "graph.txt", ffmpeg_exe
        )
        try:
            await run_ffmpeg(argv, total_seconds=total / fps, on_progress=on_progress)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)


def _validate(
    scenes: Sequence[SegmentScene],
    transition: str,
    transition_s: float,
    previous_still: Path | None,
    captions: Path | None,
) -> None:
    if not scenes:
        raise InvalidSegment("a segment needs at least one scene")
    if transition not in TRANSITIONS:
        raise InvalidSegment(f"unknown transition {transition!r}")
    if not 0 <= transition_s <= 5:
        raise InvalidSegment("transition_s must be between 0 and 5 seconds")
    for index, item in enumerate(scenes):
        if item.frames < 1:
            raise InvalidSegment(f"scene {index} has {item.frames} frames; at least 1 is needed")
        scene = item.scene
        for path in (scene.background, scene.still, *(layer.image for layer in scene.layers)):
            if not path.is_file():
                raise InvalidSegment(f"scene {index}: {path} does not exist")
    for extra in (previous_still, captions):
        if extra is not None and not extra.is_file():
            raise InvalidSegment(f"{extra} does not exist")


def _argv(
    video: Any, settings: RenderSettings, output: Path, graph_path: Path, ffmpeg_exe: str | None
) -> list[str]:
    exe = ffmpeg_exe or ffmpeg_executable()
    options = {k: v for k, v in settings.encoder_options().items() if k not in _AUDIO_OPTIONS}
    out = ffmpeg.output(video, str(output), an=None, **options)
    argv = [exe, *GLOBAL_OPTIONS, *ffmpeg.compile(out, cmd=exe)[1:]]
    # The graph goes in a file: hundreds of expressions must not hit the argument limit.
    at = argv.index("-filter_complex")
    graph_path.write_text(argv[at + 1], encoding="utf-8")
    argv[at : at + 2] = ["-/filter_complex", str(graph_path)]
    return argv


def _video_track(job: _Job) -> Any:
    fps, size = job.settings.fps, job.settings.size
    pieces: list[Any] = []
    start = 0
    inputs = _Inputs(job.scratch, fps)
    for index, item in enumerate(job.scenes):
        before = job.previous_still if index == 0 else job.scenes[index - 1].scene.still
        sprites = [load_sprite(layer) for layer in item.scene.layers]
        motions = plan_layers(
            [s.layer for s in sprites], [s.size for s in sprites], item.frames, fps, size
        )
        frames_in = transition_frames(
            job.transition_s, fps, item.frames, job.transition != "cut" and before is not None
        )
        media = item.scene.media
        moving_media = media is not None and media.suffix.lower() not in IMAGE_SUFFIXES
        plan = plan_scene(
            start,
            item.frames,
            frames_in,
            [s.layer for s in sprites],
            motions,
            job.changes,
            fps,
            size,
            every_frame=moving_media or job.every_frame,
            pan=not sprites and not moving_media,
            transition_step=crossfade_step(fps) if job.transition == "crossfade" else 1,
        )
        stream = _scene_stream(inputs, item.scene, plan, sprites, size, fps)
        if plan.transition and before is not None:
            pieces.extend(_transition_in(inputs, stream, before, plan, job.transition, size, fps))
        else:
            pieces.append(stream)
        start += item.frames
    return merge_stamped(pieces, start, size, fps)


class _Inputs:
    """ffmpeg inputs, each its own node (ffmpeg-python merges equal ones, see render._input)."""

    def __init__(self, scratch: Path, fps: int) -> None:
        self.scratch, self.fps, self.count = scratch, fps, 0

    def image(self, path: Path) -> Any:
        self.count += 1
        return ffmpeg.input(str(path), framerate=self.fps, thread_queue_size=64 + self.count).video

    def video(self, path: Path) -> Any:
        self.count += 1
        return ffmpeg.input(str(path), stream_loop=-1, thread_queue_size=64 + self.count).video

    def sprite(self, sprite: Sprite, plan: ScenePlan, index: int) -> Any:
        """The layer's looks, stamped from the frame it appears on.

        A fade (also under a rise or a slide) is ffmpeg's `fade` over the PNG looped: one
        decoded picture, frames made as they are wanted. A pop or a wipe is drawn by
        layer_frames into a raw file. (Raw input frames are read ahead into ffmpeg's
        queues: 36 layers of 15 raw frames held 300 MB, so raw only where it must.)
        """
        motion = plan.motions[index]
        first = plan.start + motion.appear
        if motion.enter in ("pop", "wipe"):
            return stamped(self._raw(sprite, motion).filter("format", "yuva420p"), first, self.fps)
        w, h = sprite.size
        picture = self.image(sprite.layer.image).trim(end_frame=1)
        stream = picture.filter("crop", w, h, *sprite.box).filter("format", "yuva420p")
        if motion.entering:
            # One frame more, dropped: frame j is (j+1)/(entering+1) opaque, the last whole.
            stream = stream.filter("loop", motion.entering + 1, 1).filter(
                "fade", type="in", alpha=1, start_frame=0, nb_frames=motion.entering + 1
            )
            stream = stream.trim(start_frame=1)
        return stamped(stream, first, self.fps)

    def _raw(self, sprite: Sprite, motion: LayerMotion) -> Any:
        self.count += 1
        path = write_looks(entrance_looks(sprite, motion), self.scratch / f"layer{self.count}.rgba")
        w, h = canvas_size(sprite, motion)
        raw = ffmpeg.input(str(path), f="rawvideo", pix_fmt="rgba", s=f"{w}x{h}",
                           framerate=self.fps, thread_queue_size=8)  # fmt: skip
        return raw.video


def _scene_stream(
    inputs: _Inputs,
    scene: ComposedScene,
    plan: ScenePlan,
    sprites: list[Sprite],
    size: tuple[int, int],
    fps: int,
) -> Any:
    """The scene's kept frames, stamped on the segment, layers overlaid."""
    w, h = size
    if (
        plan.every_frame
        and scene.media is not None
        and scene.media.suffix.lower() not in IMAGE_SUFFIXES
    ):
        clip = _fill(inputs.video(scene.media), w, h).filter("fps", fps).filter("format", "yuv420p")
        stream = stamped(clip.trim(end_frame=plan.frames), plan.start, fps)
    else:
        source = scene.media if scene.media is not None else scene.background
        margin = pan_margin(size) if plan.pan else 0
        still = _fill(inputs.image(source).trim(end_frame=1), w + 2 * margin, h + 2 * margin)
        held = still.filter("format", "yuv420p").filter("loop", plan.frames - 1, 1)
        stream = stamped(held, plan.start, fps).filter("select", select_expr(plan.kept))
        if plan.pan:
            frame = f"floor(t*{fps}+0.5)"
            x = step_expr(plan.pan, frame)
            stream = stream.filter("crop", w, h, x=x, y=margin)
    frame = f"floor(t*{fps}+0.5)"
    for index, sprite in enumerate(sprites):
        steps = plan.steps[index]
        x = step_expr([(f, sx) for f, sx, _ in steps], frame)
        y = step_expr([(f, sy) for f, _, sy in steps], frame)
        stream = ffmpeg.overlay(
            stream, inputs.sprite(sprite, plan, index), x=x, y=y, eof_action="repeat"
        )
    return stream


def _transition_in(
    inputs: _Inputs,
    stream: Any,
    before: Path,
    plan: ScenePlan,
    transition: Transition,
    size: tuple[int, int],
    fps: int,
) -> list[Any]:
    """The scene's first frames combined with `before`, and the rest of it as it is.

    One chain per transition, so its frames are made one at a time as they are wanted
    (a chain per frame had all of them, 1.4 MB each at 720p, made at once). Not xfade: it
    costs 2-7 ms a 720p frame here (per-pixel float progress); a fade of the alpha plane
    and an overlay cost about 1 ms, a wipe or a slide (a crop and a copy) less.
    """
    n, w = plan.transition, size[0]
    inside = [f for f in plan.kept if f < n]  # the transition's frames that are sent
    split = stream.filter_multi_output("split", 2)
    new = split.stream(0).trim(end_frame=len(inside))
    tail = split.stream(1).trim(start_frame=len(inside))
    old = _fill(inputs.image(before).trim(end_frame=1), *size).filter("format", "yuv420p")
    frame = f"floor(t*{fps}+0.5)"
    if transition == "crossfade":
        # The old still fading out over the new frames, one step dropped at the start:
        # frame j shows (j+1)/(n+1) of the new scene, never all old nor all new.
        fading = (
            old.filter("format", "yuva420p")
            .filter("loop", n, 1)
            .filter("fade", type="out", alpha=1, start_frame=0, nb_frames=n + 1)
        )
        held = stamped(fading.trim(start_frame=1), plan.start, fps)
        mixed = ffmpeg.overlay(new, held.filter("select", select_expr(inside)), x=0, y=0)
    else:
        # The old still beside an empty frame, so a crop of it can start anywhere in it;
        # whole chroma pixels: yuv420p crops on even columns.
        wide = stamped(old.filter("pad", 2 * w, size[1]).filter("loop", n - 1, 1), plan.start, fps)
        wide = wide.filter("select", select_expr(inside))
        edges = [
            (plan.start + j, min(w - 2, max(2, round(w * ease_out((j + 1) / (n + 1)) / 2) * 2)))
            for j in range(n)
        ]
        edge = step_expr(edges, frame)
        if transition == "wipe":  # the new scene uncovered from the left
            rest = wide.filter("crop", w, size[1], x=edge, y=0)
            mixed = ffmpeg.overlay(new, rest, x=edge, y=0)
        else:  # slide: the new scene pushes the old one out to the left
            shifted = wide.filter("crop", w, size[1], x=edge, y=0)
            mixed = ffmpeg.overlay(shifted, new, x=f"{w}-({edge})", y=0)
    pieces = [mixed]  # stamped already: its frames keep the new scene's timestamps
    if plan.frames > n:
        pieces.append(tail)
    return pieces

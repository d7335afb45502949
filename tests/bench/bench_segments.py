"""Benchmark: the segment renderer (motion, transitions, burnt word captions) against a
plain encode measured in the same run.

Workload: 60 s at 1280x720, 30 fps: 12 scenes of 5 s, each a gradient background and 3
layers (an icon, a headline, a label) with staggered entrances (fade, rise, slides, pop,
wipe) and drift, a crossfade (0.4 s) between scenes, word-level captions changing ~3 times
a second. The reference is bench_text2video's `reference_encode` (a flat colour, 1280x720,
30 fps, x264 veryfast crf 23, AAC), the median of 3, taken between the runs.

Prints wall and CPU (ffmpeg's plus this process's drawing threads) of each variant, and
each as a multiple of the reference:
- the whole 60 s as one segment (the target: ≤ 1.3x);
- as 3 segments of 20 s (the pipelined way) plus their join by copy with a soundtrack;
- variants that show what each choice costs: cuts instead of crossfades, 0.2 s transitions,
  captions without their change times (every frame through libass).

Run: .venv/bin/python tests/bench/bench_segments.py
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from videogen_media.captions import CaptionCue, CaptionStyle, change_times, write_captions
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.fonts import find_caption_font
from videogen_media.render_settings import RenderSettings
from videogen_media.scene_types import ComposedScene, Entrance, Layer
from videogen_media.segment_render import SegmentScene, join_segments, render_segment

sys.path.insert(0, str(Path(__file__).parent))
from bench_text2video import reference_encode  # type: ignore[import-not-found]

W, H, FPS, SCENES, SCENE_S = 1280, 720, 30, 12, 5.0
ENTRANCES: tuple[Entrance, ...] = ("fade", "rise", "slide_left", "pop", "wipe", "slide_right")


def make_scene(i: int, out: Path) -> ComposedScene:
    """A gradient background and three layers, like a designed 'icon' scene."""
    y = np.linspace(0, 1, H)[:, None, None]
    x = np.linspace(0, 1, W)[None, :, None]
    top = np.array([(40 + 67 * i) % 256, 70, 140])
    bottom = np.array([220, (90 + 89 * i) % 256, 90])
    bg = (top * (1 - y) * (1 - 0.2 * x) + bottom * y * (0.8 + 0.2 * x)).astype(np.uint8)
    background = Image.fromarray(np.broadcast_to(bg, (H, W, 3)).copy())
    background.save(out / f"bg{i}.png")
    font = ImageFont.truetype(str(find_caption_font().path), 56)
    icon = Image.new("RGBA", (220, 220))
    ImageDraw.Draw(icon).ellipse(
        (8, 8, 212, 212), fill=(255, 214, 0, 255), outline=(40, 40, 40, 255), width=8
    )
    headline = Image.new("RGBA", (620, 80))
    ImageDraw.Draw(headline).text((4, 4), f"Honeybees, part {i + 1}", font=font, fill="white")
    label = Image.new("RGBA", (340, 64))
    ImageDraw.Draw(label).rounded_rectangle((0, 0, 339, 63), 24, fill=(20, 30, 90, 220))
    paths = []
    for name, image in (("icon", icon), ("head", headline), ("label", label)):
        paths.append(out / f"{name}{i}.png")
        image.save(paths[-1])
    layers = (
        Layer(paths[0], 160, 110, ENTRANCES[i % 6], 0.0, 0.45, (3.0, -2.0)),
        Layer(paths[1], 430, 130, ENTRANCES[(i + 1) % 6], 0.3, 0.45, (-2.5, 0.0)),
        Layer(paths[2], 440, 250, ENTRANCES[(i + 2) % 6], 0.6, 0.45, (0.0, 2.0)),
    )
    still = background.convert("RGBA")
    for layer, image in zip(layers, (icon, headline, label), strict=True):
        still.alpha_composite(image, (layer.x, layer.y))
    still.convert("RGB").save(out / f"still{i}.png")
    return ComposedScene(out / f"bg{i}.png", layers, out / f"still{i}.png", "icon", "icon")


def word_cues(seconds: float, per_second: float = 3.0) -> list[CaptionCue]:
    """Back-to-back word states: every cue boundary is a caption change."""
    words = ["the", "bees", "dance", "to", "tell", "the", "hive", "where", "the", "flowers", "are"]
    step = 1 / per_second
    cues, t, k = [], 0.0, 0
    while t + step <= seconds + 1e-9:
        line = " ".join(words[max(0, k % len(words) - 4) : k % len(words) + 1])
        cues.append(CaptionCue(round(t, 2), round(t + step, 2), (line,), 0))
        t, k = t + step, k + 1
    return cues


class Meter:
    """Wall and CPU (children + this process) of one awaited call."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    async def measure(self, work: Callable[[], Awaitable[object]]) -> Meter:
        c0, s0 = (
            resource.getrusage(resource.RUSAGE_CHILDREN),
            resource.getrusage(resource.RUSAGE_SELF),
        )
        started = time.perf_counter()
        await work()
        self.wall = time.perf_counter() - started
        c1, s1 = (
            resource.getrusage(resource.RUSAGE_CHILDREN),
            resource.getrusage(resource.RUSAGE_SELF),
        )
        self.cpu = sum(
            b - a
            for a, b in (
                (c0.ru_utime, c1.ru_utime),
                (c0.ru_stime, c1.ru_stime),
                (s0.ru_utime, s1.ru_utime),
                (s0.ru_stime, s1.ru_stime),
            )
        )
        return self


async def reference(work: Path) -> Meter:
    return await Meter().measure(
        lambda: asyncio.to_thread(reference_encode, SCENES * SCENE_S, work)
    )


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-seg-") as tmp:
        work = Path(tmp)
        scenes = [SegmentScene(make_scene(i, work), round(SCENE_S * FPS)) for i in range(SCENES)]
        font = find_caption_font()
        style = CaptionStyle.for_frame(W, H)
        settings = RenderSettings()
        total_s = SCENES * SCENE_S
        cues = word_cues(total_s)
        ass, _ = write_captions(cues, font, style, work)
        soundtrack = work / "sound.m4a"
        await asyncio.to_thread(
            subprocess.run,
            [
                ffmpeg_executable(),
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"sine=f=220:r=48000:d={total_s}",
                "-ac",
                "2",
                "-c:a",
                "aac",
                "-b:a",
                "192k",
                str(soundtrack),
            ],
            check=True,
        )
        per = 4  # scenes per segment in the pipelined variant
        segment_cues = [
            write_captions(word_cues(per * SCENE_S), font, style, work, f"seg{k}")[0]
            for k in range(SCENES // per)
        ]
        seg_changes = change_times(word_cues(per * SCENE_S))

        async def one(name: str, **kwargs: object) -> None:
            await render_segment(scenes, settings, work / f"{name}.mp4", **kwargs)  # type: ignore[arg-type]

        async def pipelined() -> None:
            paths = []
            for k in range(SCENES // per):
                paths.append(work / f"part{k}.mp4")
                await render_segment(
                    scenes[k * per : (k + 1) * per],
                    settings,
                    paths[-1],
                    captions=segment_cues[k],
                    caption_changes=seg_changes,
                    fonts_dir=font.directory,
                    previous_still=scenes[k * per - 1].scene.still if k else None,
                )
            await join_segments(paths, soundtrack, work / "joined.mp4")

        captioned = {
            "captions": ass,
            "caption_changes": change_times(cues),
            "fonts_dir": font.directory,
        }
        variants: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("one segment, crossfade 0.4 s (the target)", lambda: one("a", **captioned)),
            ("3 segments + join with soundtrack", pipelined),
            ("one segment, cuts", lambda: one("b", transition="cut", **captioned)),
            ("one segment, crossfade 0.2 s", lambda: one("c", transition_s=0.2, **captioned)),
            ("one segment, wipe 0.4 s", lambda: one("w", transition="wipe", **captioned)),
            ("one segment, slide 0.4 s", lambda: one("s", transition="slide", **captioned)),
            ("one segment, no captions", lambda: one("d")),
            (
                "captions without change times",
                lambda: one("e", captions=ass, fonts_dir=font.directory),
            ),
        ]
        refs = [await reference(work)]
        results = []
        for name, work_fn in variants:
            results.append((name, await Meter().measure(work_fn)))
            if len(refs) < 3:
                refs.append(await reference(work))
        ref_wall = statistics.median(r.wall for r in refs)
        ref_cpu = statistics.median(r.cpu for r in refs)
        print(
            f"reference (plain encode, 60 s 1280x720 30 fps): wall {ref_wall:.2f} s,"
            f" cpu {ref_cpu:.2f} s"
            f"  (runs: {', '.join(f'{r.wall:.2f}' for r in refs)})"
        )
        for name, m in results:
            print(
                f"{name:<46} wall {m.wall:6.2f} s = {m.wall / ref_wall:4.2f} x   "
                f"cpu {m.cpu:6.2f} s = {m.cpu / ref_cpu:4.2f} x"
            )
        print("target: the one-segment render ≤ 1.3 x the reference")


if __name__ == "__main__":
    asyncio.run(main())

"""Benchmark of the media libraries alone (no services): narration and the one-pass render.

Workload: the committed 12-sentence paragraph (text2video_paragraph.txt, ~60 s spoken).
Prints:
- Piper's real-time factor (audio seconds / wall seconds), in one background thread of
  this process and with a pool of 2 worker processes (voice loading excluded: it happens
  once per worker at start);
- the one-pass render (scenes with drifting gradients, burnt captions, narration) and the
  same with still backgrounds, each as a multiple of a reference measured in the same run:
  one ffmpeg pass encoding a plain colour source of the same length with the same
  settings (1280x720, 30 fps, libx264 veryfast crf 23, AAC) and no captions.

Run: .venv/bin/python tests/bench/bench_render.py
"""

from __future__ import annotations

import asyncio
import functools
import os
import resource
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from videogen_media.captions import (
    CaptionStyle,
    TimedSentence,
    build_cues,
    change_times,
    write_captions,
)
from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.fonts import find_caption_font
from videogen_media.render import Scene, render_timeline
from videogen_media.render_settings import RenderSettings
from videogen_media.visuals import background_for
from videogen_providers.tts.piper_synthesizer import PiperSynthesizer
from videogen_providers.tts.synthesizer import VoiceOptions
from videogen_text.segmentation import split_sentences

PARAGRAPH = (Path(__file__).parent / "text2video_paragraph.txt").read_text().strip()
ROUNDS = 2  # best of N for each encode: the machine is shared


async def narrate(sentences: list[str], out: Path, workers: int) -> tuple[list[float], float]:
    piper = PiperSynthesizer(workers=workers)
    try:
        await piper.start()
        if workers == 0:  # load the in-process voice before the clock starts
            await piper.synthesize("Warm up.", out / "warm.wav", VoiceOptions())
        items = [(text, out / f"w{workers}-{i}.wav") for i, text in enumerate(sentences)]
        started = time.perf_counter()
        results = await piper.synthesize_many(items, VoiceOptions(pause_ms=150))
        wall = time.perf_counter() - started
    finally:
        await piper.aclose()
    return [seconds for seconds, _pid in results], wall


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def timed(coro_factory: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """Best wall seconds and best CPU seconds (of the ffmpeg child) over ROUNDS runs.

    CPU seconds are reported too because wall time on a shared 2-core machine depends on
    whoever else is running; the CPU an encode needs does not, much.
    """
    best_wall = best_cpu = float("inf")
    for _ in range(ROUNDS):
        cpu, started = children_cpu(), time.perf_counter()
        await coro_factory()
        best_wall = min(best_wall, time.perf_counter() - started)
        best_cpu = min(best_cpu, children_cpu() - cpu)
    return best_wall, best_cpu


async def main() -> None:
    sentences = split_sentences(PARAGRAPH)
    with tempfile.TemporaryDirectory(prefix="vg-bench-") as tmp:
        work = Path(tmp)
        durations, wall_single = await narrate(sentences, work, workers=0)
        _, wall_pool = await narrate(sentences, work, workers=2)
        audio = sum(durations)
        print(f"sentences: {len(sentences)}, narration: {audio:.2f} s")
        print(f"piper RTF, 1 thread in-process: {audio / wall_single:6.2f}x ({wall_single:.2f} s)")
        print(f"piper RTF, 2 worker processes:  {audio / wall_pool:6.2f}x ({wall_pool:.2f} s)")

        settings = RenderSettings()
        font = find_caption_font()
        style = CaptionStyle.for_frame(*settings.size)
        timeline, t = [], 0.0
        for text, seconds in zip(sentences, durations, strict=True):
            timeline.append(TimedSentence(text, t, t + seconds))
            t += seconds
        cues = build_cues(timeline, font, style)
        ass, _srt = write_captions(cues, font, style, work)
        wavs = [work / f"w0-{i}.wav" for i in range(len(sentences))]

        def scenes(motion: bool) -> list[Scene]:
            spoken = zip(sentences, wavs, durations, strict=True)
            return [
                Scene(wav, seconds, background_for(text, i, motion=motion))
                for i, (text, wav, seconds) in enumerate(spoken)
            ]

        async def render(motion: bool) -> None:
            await render_timeline(
                scenes(motion), settings, work / "out.mp4", captions=ass,
                caption_changes=change_times(cues), fonts_dir=font.directory,
            )  # fmt: skip

        async def reference() -> None:
            w, h = settings.size
            await run_ffmpeg([
                ffmpeg_executable(), "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", f"color=c=0x203040:s={w}x{h}:r={settings.fps}:d={audio:.3f}",
                "-f", "lavfi", "-i", f"anullsrc=r=48000:cl=stereo:d={audio:.3f}",
                "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
                "-movflags", "+faststart", str(work / "ref.mp4"),
            ])  # fmt: skip

        ref, ref_cpu = await timed(reference)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"reference (plain colour, same length/settings): {ref:.2f} s wall,"
              f" {ref_cpu:.2f} s CPU")
        for label, motion in (("drifting", True), ("still", False)):
            wall, cpu = await timed(functools.partial(render, motion))
            print(
                f"one-pass, {label:8} gradients + captions: {wall:.2f} s wall = {wall / ref:.2f}x,"
                f" {cpu:.2f} s CPU = {cpu / ref_cpu:.2f}x"
            )


if __name__ == "__main__":
    asyncio.run(main())

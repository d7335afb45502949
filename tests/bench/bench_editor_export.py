"""Benchmark of an editor export (videogen_media.cut_render) against a plain encode.

Workload: a 5-minute timeline of 10 cuts (30 s each, taken 2 s apart from a 5m20s
1280x720 30 fps source with a tone), two of them graded (videogen_media.grading), exported
to mp4 in one ffmpeg pass. The reference, measured in the same run: one ffmpeg pass that
decodes the same source and encodes 5 minutes of it with the same settings (libx264
veryfast crf 23, AAC 128k), no cuts, no grades. The target is an export within 1.5x of it.

Prints the wall and CPU seconds of each (best of ROUNDS: the machine is shared, and CPU
seconds say more than wall ones when it is busy), the ratios, the same export with no
grades (where the time goes), and the exported file's measured duration against the sum
of the cuts.

Run: .venv/bin/python tests/bench/bench_editor_export.py   (VIDEOGEN_BENCH_ROUNDS=2)
"""

from __future__ import annotations

import asyncio
import os
import resource
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from videogen_contracts.media.editing import ColorGrade
from videogen_media.cut_render import PRESETS, Cut, render_cuts
from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.grading import grade_filter
from videogen_media.probe import probe
from videogen_media.render import GLOBAL_OPTIONS

ROUNDS = int(os.environ.get("VIDEOGEN_BENCH_ROUNDS", "1"))
CUTS, CUT_S, GAP_S = 10, 30.0, 2.0
TOTAL_S = CUTS * CUT_S
SOURCE_S = CUTS * (CUT_S + GAP_S)
GRADED = {3: ColorGrade(saturation=0.4, brightness=0.05), 7: ColorGrade(temperature=0.6)}


async def make_source(path: Path, seconds: float = SOURCE_S) -> None:
    """`seconds` of 1280x720 30 fps with a tone (bench_ai_edit makes a short one)."""
    await run_ffmpeg([
        ffmpeg_executable(), *GLOBAL_OPTIONS,
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", str(path),
    ])  # fmt: skip


def timeline(source: Path, *, graded: bool = True) -> list[Cut]:
    return [
        Cut(source, i * (CUT_S + GAP_S), i * (CUT_S + GAP_S) + CUT_S,
            video_filter=grade_filter(GRADED.get(i)) if graded else None)
        for i in range(CUTS)
    ]  # fmt: skip


async def plain_encode(source: Path, out: Path) -> None:
    await run_ffmpeg([
        ffmpeg_executable(), *GLOBAL_OPTIONS, "-i", str(source), "-t", str(TOTAL_S),
        *PRESETS["mp4"], str(out),
    ])  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def best_of(rounds: int, run: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest round; CPU is ffmpeg's (the children's)."""
    runs = []
    for _ in range(rounds):
        started, cpu = time.perf_counter(), _children_cpu()
        await run()
        runs.append((time.perf_counter() - started, _children_cpu() - cpu))
    return min(runs)


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vg-bench-export-") as scratch:
        root = Path(scratch)
        source, plain, export = root / "source.mp4", root / "plain.mp4", root / "export.mp4"
        started = time.perf_counter()
        await make_source(source)
        print(f"source: {SOURCE_S:.0f} s of 1280x720 30 fps made in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        (wall, cpu) = await best_of(ROUNDS, lambda: plain_encode(source, plain))
        print(f"plain encode of {TOTAL_S:.0f} s:       {wall:7.1f} s wall {cpu:7.1f} s CPU")
        runs = (("export, 10 cuts, 2 graded:", True), ("the same, no grades:      ", False))
        for label, graded in runs:
            cut_wall, cut_cpu = await best_of(
                ROUNDS, lambda g=graded: render_cuts(timeline(source, graded=g), "mp4", export)
            )
            print(f"{label}    {cut_wall:7.1f} s wall {cut_cpu:7.1f} s CPU"
                  f"   {cut_wall / wall:.2f}x wall, {cut_cpu / cpu:.2f}x CPU of the plain encode")
        measured = probe(export).duration
        print(f"exported duration {measured:.3f} s for cuts summing to {TOTAL_S:.3f} s"
              " (target: export <= 1.5x the plain encode)")


if __name__ == "__main__":
    asyncio.run(main())

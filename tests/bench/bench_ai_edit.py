"""Benchmark of an offline AI region edit (videogen_media.region_edits) against a plain encode.

Workload: a 3-variant "blur the face" job on a 2 s range of a 1280x720 30 fps source with
a tone, box 320x320: three `render_variant` passes, one after the other (as the worker
runs them), each decoding and encoding only the range (input seeking). The reference,
measured in the same run: one plain encode of 6 s of the same source with the editor's
clip settings (`clip_render.clip_argv`: libx264 veryfast crf 20, AAC), i.e. the same
number of frames as the three variants together. The target is the job within 2x of it.

Prints the wall and CPU seconds of each (best of ROUNDS: the machine is shared, and CPU
seconds say more than wall ones when it is busy), the ratios, then one variant of every
other operation (where the time goes per operation).

Run: .venv/bin/python tests/bench/bench_ai_edit.py   (VIDEOGEN_BENCH_ROUNDS=2)
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

# Run as a script from this directory: the neighbouring bench is importable.
from bench_editor_export import best_of, make_source
from videogen_contracts.media.ai_edits import Box, RegionEdit
from videogen_media.clip_render import clip_argv
from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.region_edits import render_variant
from videogen_text.region_prompts import parse_prompt, variant_specs

ROUNDS = int(os.environ.get("VIDEOGEN_BENCH_ROUNDS", "1"))
SOURCE_S, START, END, VARIANTS = 20.0, 8.0, 10.0, 3
BOX = Box(x=480, y=160, width=320, height=320)
OTHER_PROMPTS = (
    "pixelate", "censor", "remove the logo", "highlight", "spotlight", "darken", "brighten",
    "make it black and white", "make it blue", 'add text "SALE"',
    "add a red balloon floating up",
)


async def job(source: Path, root: Path, edit: RegionEdit, count: int) -> None:
    for spec in variant_specs(edit, count, seed=1):
        await render_variant(source, START, END, BOX, edit, spec, root / f"{spec.index}.mp4",
                             root / f"{spec.index}.jpg")  # fmt: skip


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vg-bench-ai-") as scratch:
        root = Path(scratch)
        source, plain = root / "source.mp4", root / "plain.mp4"
        await make_source(source, SOURCE_S)
        span = VARIANTS * (END - START)
        argv = clip_argv(source, plain, start=START, end=START + span)
        wall, cpu = await best_of(ROUNDS, lambda: run_ffmpeg(argv))
        print(f"plain encode of {span:.0f} s of 720p:      {wall:6.2f} s wall {cpu:6.2f} s CPU")
        edit = parse_prompt("blur the face")
        job_wall, job_cpu = await best_of(ROUNDS, lambda: job(source, root, edit, VARIANTS))
        print(f"{VARIANTS}-variant blur job, 2 s range: {job_wall:6.2f} s wall {job_cpu:6.2f} s CPU"
              f"   {job_wall / wall:.2f}x wall, {job_cpu / cpu:.2f}x CPU (target <= 2x)")
        for prompt in OTHER_PROMPTS:
            one = parse_prompt(prompt)
            w, c = await best_of(ROUNDS, lambda e=one: job(source, root, e, 1))
            print(f"  one variant, {one.operation:<10} {w:6.2f} s wall {c:6.2f} s CPU")


if __name__ == "__main__":
    asyncio.run(main())

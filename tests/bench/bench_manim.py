"""Benchmark of Manim scene renders in the sandbox against the same renders unsandboxed.

Workload: the offline writer's 3-scene plan for "Explain machine learning basics" (plan →
implement → code, as the script service's workers call it), rendered at `low` quality
(854x480, 15 fps). Each scene is rendered in bubblewrap and in the unshare fallback
(`render_scene`: its own uid, limits) and unsandboxed (the same Manim command line as a plain
subprocess), in a rotating order, for `rounds` rounds; the figure per scene is the fastest
of its rounds, so that load from other processes on the machine weighs as little as it can.

Prints, per scene and in total: wall seconds of each, and each sandbox's overhead.
Run: .venv/bin/python tests/bench/bench_manim.py [rounds]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from videogen_contracts.script.manim import scene_class_of
from videogen_media.manim.quality import render_size
from videogen_media.manim.sandbox import sandbox_status
from videogen_media.manim.scene_render import SCENE_FILE, manim_argv, render_scene, rendered_video
from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.writer import implementation_text
from videogen_text.manim_plan import scene_outline_of

TOPIC = "Explain machine learning basics"
SCENES = 3


async def scene_codes() -> list[str]:
    writer = OfflineManimWriter()
    plan = await writer.plan(TOPIC, "", SCENES)
    codes = []
    for scene in plan.scenes:
        implementation = implementation_text(
            await writer.implement(TOPIC, "", plan.plan_xml, scene)
        )
        outline = scene_outline_of(plan.scenes, scene.scene_number)
        codes.append((await writer.code(TOPIC, "", outline, implementation,
                                        scene.scene_number)).code)
    return codes


KINDS = ("bwrap", "unshare", "unsandboxed")


async def sandboxed(kind: str, code: str, number: int, workdir: Path) -> float:
    width, height, fps = render_size("low")
    os.environ["VIDEOGEN_MANIM_SANDBOX"] = kind
    started = time.perf_counter()
    await render_scene(code, scene_class_of(number), workdir, width=width, height=height,
                       fps=fps, max_duration_s=60.0)
    return time.perf_counter() - started


def write_scene(workdir: Path, code: str) -> None:
    workdir.mkdir(parents=True)
    (workdir / SCENE_FILE).write_text(code)


async def unsandboxed(code: str, number: int, workdir: Path) -> float:
    width, height, fps = render_size("low")
    write_scene(workdir, code)
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *manim_argv(scene_class_of(number), width, height, fps), cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "160", "TERM": "dumb"},
    )
    assert await proc.wait() == 0
    assert rendered_video(workdir) is not None
    return time.perf_counter() - started


async def render_once(kind: str, code: str, number: int, workdir: Path) -> float:
    if kind == "unsandboxed":
        return await unsandboxed(code, number, workdir)
    return await sandboxed(kind, code, number, workdir)


def overheads(times: dict[str, float]) -> str:
    plain = times["unsandboxed"]
    return ", ".join(
        f"{kind} {times[kind]:.2f} s ({100 * (times[kind] / plain - 1):+.1f}%)"
        for kind in KINDS[:2]
    ) + f", unsandboxed {plain:.2f} s"


async def main(rounds: int) -> None:
    for kind in KINDS[:2]:
        os.environ["VIDEOGEN_MANIM_SANDBOX"] = kind
        status = await asyncio.to_thread(sandbox_status)
        assert status.available, status.reason
        assert status.sandbox == kind
    codes = await scene_codes()
    best: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory(prefix="bench-manim-") as scratch:
        for number, code in enumerate(codes, start=1):
            times: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for round_ in range(rounds):
                # Rotate the order: no kind always runs first, right after the plan step.
                for kind in KINDS[round_ % 3:] + KINDS[:round_ % 3]:
                    workdir = Path(scratch) / f"{kind}-{number}-{round_}"
                    times[kind].append(await render_once(kind, code, number, workdir))
            for kind, values in times.items():
                best[kind].append(min(values))
            print(f"scene {number}: {overheads({k: v[-1] for k, v in best.items()})}")
    totals = {kind: sum(values) for kind, values in best.items()}
    print(f"{SCENES} scenes at low (854x480@15), best of {rounds}: {overheads(totals)}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))

"""Benchmark: a 12-sentence paragraph (~60 s of narration) through the whole stack.

Prints, against a reference measured in the same run (one ffmpeg pass encoding a plain
colour source of the same length with the same settings and no captions):
- the whole job, POST to completed, as a multiple of the reference (target ≤ 1.5);
- the render stage as a multiple of it (target ≤ 1.3). The picture is encoded by the media
  service in segments while the narration runs, and the export only assembles (soundtrack
  + join by stream copy + measure), so "the render" is defined as the work of both: every
  picture segment's encode time (from the quality report) plus the export's render
  (RenderRequested → RenderCompleted). Printed two ways: the total encode work, and the
  critical-path tail after the last narration (the segments still encoding then, plus the
  export's assembly), which is what a user waits for beyond the narration;
- the peak RSS of every process of the stack (sampled), and the largest;
- the narration real-time factor and the seconds spent in each production stage.

Run: .venv/bin/python tests/bench/bench_text2video.py   (starts its own NATS + PostgreSQL)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import tempfile
import threading
import time
import urllib.request
from itertools import pairwise
from pathlib import Path

import asyncpg
import psutil  # type: ignore[import-untyped]  # no stubs among the dev deps
from videogen_local.infra import free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env
from videogen_media.ffmpeg_path import ffmpeg_executable

PARAGRAPH = (Path(__file__).parent / "text2video_paragraph.txt").read_text().strip()
NAMESPACE = "bench"


def _post(url: str, body: dict[str, str]) -> dict[str, object]:
    req = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return dict(json.load(resp))


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return dict(json.load(resp))


class RssSampler(threading.Thread):
    """Samples the RSS of the launcher's whole process tree every 50 ms."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.peaks: dict[str, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for root in self.roots:
                try:
                    procs = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
                for p in procs:
                    try:
                        name = _label(p)
                        self.peaks[name] = max(self.peaks.get(name, 0), p.memory_info().rss)
                    except psutil.NoSuchProcess:
                        pass
            time.sleep(0.05)


def _label(p: psutil.Process) -> str:
    cmd = p.cmdline()
    if cmd and cmd[0].startswith("postgres"):
        return "postgres"  # a backend retitles itself per query; one label for them all
    if "-m" in cmd:
        return str(cmd[cmd.index("-m") + 1])
    return Path(cmd[0]).name if cmd else str(p.name())


def reference_encode(duration: float, workdir: Path) -> float:
    """One plain encode with the renderer's settings: 1280x720, 30 fps, x264 veryfast crf 23."""
    out = workdir / "reference.mp4"
    argv = [
        ffmpeg_executable(), "-y", "-v", "error",
        "-f", "lavfi", "-i", f"color=c=0x336699:s=1280x720:r=30:d={duration:.3f}",
        "-f", "lavfi", "-i", f"anullsrc=r=48000:cl=stereo:d={duration:.3f}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-movflags", "+faststart",
        "-shortest", str(out),
    ]
    started = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - started


async def stage_report(database_url: str, job_id: str) -> dict[str, float]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            f"SELECT data::text AS data, recorded_at FROM {NAMESPACE}_project.events"
            " WHERE stream_id = $1 AND type = 'ProductionAdvanced' ORDER BY stream_version",
            f"production-{job_id}",
        )
        entered: list[tuple[str, float]] = []
        for row in rows:
            data = json.loads(row["data"])
            if data["from_stage"] != data["stage"]:
                entered.append((data["stage"], row["recorded_at"].timestamp()))
        queued = await conn.fetchval(
            f"SELECT min(recorded_at) FROM {NAMESPACE}_project.events WHERE stream_id = $1",
            f"production-{job_id}",
        )
        completed = await conn.fetchval(
            f"SELECT recorded_at FROM {NAMESPACE}_project.events"
            " WHERE stream_id = $1 AND type = 'ProductionCompleted'",
            f"production-{job_id}",
        )
        marks = [("queued", queued.timestamp()), *entered, ("completed", completed.timestamp())]
        stages = {a: b_t - a_t for (a, a_t), (_, b_t) in pairwise(marks)}
        render = await conn.fetch(
            f"SELECT type, recorded_at FROM {NAMESPACE}_export.events WHERE type IN"
            " ('RenderRequested', 'RenderProgressed', 'RenderCompleted') ORDER BY global_position"
        )
        times: dict[str, list[float]] = {}
        for r in render:
            times.setdefault(r["type"], []).append(r["recorded_at"].timestamp())
        requested, completed = times["RenderRequested"][0], times["RenderCompleted"][0]
        progressed = times.get("RenderProgressed") or [requested, completed]
        stages["render_alone"] = completed - requested
        # Where the render stage goes: until the first progress event (pickup, ffmpeg start,
        # the first 5%), between the first and last progress events, and after the last.
        stages["render_to_first_progress"] = progressed[0] - requested
        stages["render_between_progress"] = progressed[-1] - progressed[0]
        stages["render_after_last_progress"] = completed - progressed[-1]
        narration = await conn.fetchval(
            f"SELECT (data->>'total_duration_s')::float FROM {NAMESPACE}_media.events"
            " WHERE type = 'NarrationCompleted'"
        )
        stages["narration_audio_s"] = float(narration)
        return stages
    finally:
        await conn.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pg = start_postgres(work / "pg", durable=True)
        nats = start_nats(work / "nats")
        stack = Stack(
            stack_env(pg.url, nats.url, free_port(), NAMESPACE, VIDEOGEN_DATA_DIR=str(work)),
            log_dir=work,
        )
        try:
            stack.start_all()
            stack.wait_ready(timeout=120)
            pids = [c.proc.pid for c in stack.children.values() if c.proc]
            sampler = RssSampler([*pids, pg.proc.pid, nats.proc.pid])
            sampler.start()
            started = time.perf_counter()
            job = _post(stack.base_url + "/api/v1/generate", {"text": PARAGRAPH})
            while True:
                status = _get(f"{stack.base_url}/api/v1/status/{job['job_id']}")
                if status["status"] in ("completed", "failed"):
                    break
                time.sleep(0.02)
            whole = time.perf_counter() - started
            sampler.stop.set()
            sampler.join()
            assert status["status"] == "completed", status
            stages = asyncio.run(stage_report(pg.url, str(job["job_id"])))
            stages.update(_report_timings(work / "blobs" / "reports" / f"{job['job_id']}.json"))
        finally:
            stack.stop()
            nats.stop()
            pg.stop()
        audio = stages.pop("narration_audio_s")
        # The machine is noisy: the median of three reference passes in the same run.
        reference = sorted(reference_encode(audio, work) for _ in range(3))[1]
    _print_report(whole, reference, audio, stages, sampler.peaks)


def _report_timings(path: Path) -> dict[str, float]:
    """The media side's picture timings, from the job's quality report."""
    if not path.is_file():
        print(f"no quality report at {path}: the picture was not pipelined")
        return {}
    timings = json.loads(path.read_text())["timings"]
    return {
        f"report_{name}": float(value) for name, value in timings.items() if value is not None
    }


def _print_report(
    whole: float, reference: float, audio: float, stages: dict[str, float], peaks: dict[str, int]
) -> None:
    export = stages.pop("render_alone")
    picture = stages.get("report_picture_s", 0.0)
    tail = stages.get("report_picture_after_narration_s", 0.0)
    print(f"timeline (narration + pauses): {audio:.1f} s for {PARAGRAPH.count('.')} sentences")
    print(f"reference (plain colour encode, same settings): {reference:.2f} s")
    print(f"whole job POST→completed: {whole:.2f} s = {whole / reference:.2f} x reference "
          "(target ≤ 1.5)")
    render = picture + export
    print(f"render stage, total encode work (picture segments {picture:.2f} s + export "
          f"assembly {export:.2f} s): {render:.2f} s = {render / reference:.2f} x reference "
          "(target ≤ 1.3)")
    print(f"render stage, critical-path tail after narration (segments still encoding "
          f"{tail:.2f} s + export {export:.2f} s): {tail + export:.2f} s = "
          f"{(tail + export) / reference:.2f} x reference")
    narrating = stages.get("narrating", 0.0)
    if narrating:
        print(f"narration real-time factor: {narrating / audio:.3f} "
              f"({audio / narrating:.1f}x faster than real time)")
    for stage, seconds in stages.items():
        print(f"  stage {stage:<17} {seconds:6.2f} s")
    print("peak RSS by process (MB):")
    for name, rss in sorted(peaks.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22} {rss / 2**20:7.1f}")
    print(f"largest: {max(peaks.values()) / 2**20:.1f} MB (target ≤ 400)")


if __name__ == "__main__":
    main()

"""Benchmark of the editor's previews (issue 10): frames, strips and graded frames.

Workload: a generated 10-minute 1280x720 30 fps H.264 file with a keyframe every 10 s
(`testsrc2` + `sine`, x264 ultrafast, `-g 300`), the worst case for seeking: a frame just
before a keyframe needs ~300 frames decoded.

Prints (figures, not pass/fail), each next to a reference measured in the same run:
- the reference: `ffmpeg -ss T -i file -frames:v 1 out.jpg` (one process per frame);
- library level (videogen_media.frames, no services): one frame read from the original
  (direct seek + forward decode) and from its short-GOP 640 px proxy, a graded frame
  from the proxy, 60-frame strips (1 fps over a minute; 0.1 fps over the whole file);
  and how long the proxy takes to make;
- over HTTP (with `--http`: PostgreSQL, NATS, the media service and the gateway as
  processes, as `make run` starts them; the file uploaded through the editor API):
  `POST /api/project/{id}/preview/frame` at new times (nothing cached), the same with
  the proxy not made yet (the original's direct seek), `POST /api/segment/{id}/grade-preview`
  with new grades, and a 60-frame `preview/strip`.
Targets (issue 10): preview/frame p95 ≤ 150 ms over HTTP and no slower than the
ffmpeg reference; grade-preview p95 ≤ 300 ms; a 60-frame strip ≤ 2 s.

Run: .venv/bin/python tests/bench/bench_editor.py [--samples 40] [--workdir DIR] [--http]
(`--workdir` keeps the generated file and its proxy between runs.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
from videogen_contracts.media.editing import ColorGrade
from videogen_local.infra import free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env
from videogen_media.clip_render import proxy_argv
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.frames import grab_jpeg, grab_jpegs

DURATION = 600
WIDTH = 640


def make_source(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=s=1280x720:r=30:d={DURATION}", "-f", "lavfi",
         "-i", f"sine=f=440:d={DURATION}", "-c:v", "libx264", "-preset", "ultrafast",
         "-g", "300", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )
    return time.perf_counter() - started


def make_proxy(source: Path, proxy: Path) -> float:
    started = time.perf_counter()
    subprocess.run(proxy_argv(source, proxy, fps=30.0), check=True)
    return time.perf_counter() - started


def timed(samples: list[float], work: Callable[[float], object]) -> list[float]:
    """Seconds each call took."""
    out = []
    for ts in samples:
        started = time.perf_counter()
        work(ts)
        out.append(time.perf_counter() - started)
    return out


def ffmpeg_reference(source: Path, out: Path) -> Callable[[float], object]:
    def grab(ts: float) -> object:
        return subprocess.run(
            [ffmpeg_executable(), "-v", "error", "-y", "-ss", f"{ts:.3f}", "-i", str(source),
             "-frames:v", "1", str(out)],
            check=True,
        )

    return grab


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(label: str, values: list[float]) -> str:
    return (f"  {label:<52} p50 {statistics.median(values) * 1000:7.1f} ms"
            f"   p95 {pct(values, 0.95) * 1000:7.1f} ms   (n={len(values)})")


def random_grades(count: int, rng: random.Random) -> list[ColorGrade]:
    return [
        ColorGrade(brightness=rng.uniform(-0.3, 0.3), contrast=rng.uniform(0.5, 1.8),
                   saturation=rng.uniform(0.0, 2.0), temperature=rng.uniform(-1, 1),
                   gamma=rng.uniform(0.6, 1.8), hue_shift=rng.uniform(-90, 90))
        for _ in range(count)
    ]


def library_figures(source: Path, proxy: Path, samples: int, work: Path) -> None:
    rng = random.Random(10)
    times = [rng.uniform(0, DURATION - 1) for _ in range(samples)]
    # Warm the page cache and the keyframe index, as a running service would have them.
    grab_jpegs(source, [0.0, 1.0], max_width=WIDTH)
    grab_jpegs(proxy, [0.0, 1.0], max_width=WIDTH)
    print("one frame at a random time (library, no services):")
    print(row("reference: ffmpeg -ss T -i original -frames:v 1",
              timed(times, ffmpeg_reference(source, work / "ref.jpg"))))
    print(row("original, direct seek + forward decode",
              timed(times, lambda ts: grab_jpeg(source, ts, max_width=WIDTH))))
    print(row("proxy (640 px, keyframe every 0.5 s)",
              timed(times, lambda ts: grab_jpeg(proxy, ts, max_width=WIDTH))))
    grades = iter(random_grades(samples, rng))
    print(row("proxy, graded (a new grade each time)",
              timed(times, lambda ts: grab_jpeg(proxy, ts, max_width=WIDTH,
                                                grade=next(grades)))))
    print("60-frame strips (library, 320 px):")
    for label, start, step in (("1 fps over a minute", 120.0, 1.0),
                               ("0.1 fps over the whole file", 0.0, 10.0)):
        strip = [start + i * step for i in range(60)]
        for name, path in (("proxy", proxy), ("original", source)):
            started = time.perf_counter()
            grab_jpegs(path, strip, max_width=320)
            print(f"  {label:<30} {name:<9} {time.perf_counter() - started:6.2f} s")


def upload(api: httpx.Client, source: Path) -> tuple[str, str]:
    """A new project with `source` uploaded through the editor API: (project, segment)."""
    project = api.post("/api/project", json={"name": "bench"}).raise_for_status().json()["id"]
    ticket = api.post(f"/api/project/{project}/upload",
                      json={"file_name": source.name, "content_type": "video/mp4"})
    with source.open("rb") as body:
        stored = api.put(ticket.raise_for_status().json()["upload_url"], content=body,
                         headers={"Content-Type": "video/mp4"}, timeout=600)
    return project, str(stored.raise_for_status().json()["segment_id"])


def posted(api: httpx.Client, path: str, body: dict[str, Any]) -> Callable[[Any], object]:
    def post(_: Any) -> object:
        return api.post(path, json=body).raise_for_status()

    return post


def http_figures(source: Path, samples: int, work: Path) -> None:
    pg = start_postgres(work / "pg")
    nats = start_nats(work / "nats")
    data = work / "data"
    stack = Stack(stack_env(pg.url, nats.url, free_port(), "bench", VIDEOGEN_DATA_DIR=str(data)),
                  log_dir=work)
    try:
        stack.start_all()
        stack.wait_ready(timeout=120)
        with httpx.Client(base_url=stack.base_url, timeout=120) as api:
            started = time.perf_counter()
            project, segment = upload(api, source)
            print(f"over HTTP (uploaded in {time.perf_counter() - started:.1f} s):")
            measure_http(api, project, segment, samples, data, source, work)
    finally:
        stack.stop()
        nats.stop()
        pg.stop()


def frame_at(api: httpx.Client, project: str) -> Callable[[float], object]:
    return lambda ts: api.post(f"/api/project/{project}/preview/frame",
                               json={"ts": ts}).raise_for_status()


def measure_http(api: httpx.Client, project: str, segment: str, samples: int, data: Path,
                 source: Path, work: Path) -> None:
    rng = random.Random(11)
    proxies = data / "blobs" / "editor" / project / "proxies"
    before = [rng.uniform(0, DURATION - 1) for _ in range(max(5, samples // 4))]
    # Interleaved with the reference, so both share the cores with the proxy encode alike.
    reference, direct = ffmpeg_reference(source, work / "ref.jpg"), frame_at(api, project)
    pairs = [(timed([ts], reference)[0], timed([ts], direct)[0]) for ts in before]
    print(row("reference, interleaved while the proxy is made", [r for r, _ in pairs]))
    print(row("preview/frame before the proxy exists (direct seek)", [d for _, d in pairs]))
    started = time.perf_counter()
    while not (proxies.is_dir() and any(proxies.iterdir())):
        time.sleep(0.5)
    print(f"  (the proxy was there {time.perf_counter() - started:.1f} s later)")
    times = [rng.uniform(0, DURATION - 1) for _ in range(samples)]
    print(row("reference: ffmpeg -ss T -i original -frames:v 1",
              timed(times, ffmpeg_reference(source, work / "ref.jpg"))))
    print(row("preview/frame, a new time each (proxy)", timed(times, frame_at(api, project))))
    print(row("preview/frame, the same times again (cached)",
              timed(times, frame_at(api, project))))
    grades = random_grades(samples, rng)
    print(row("grade-preview, a new grade each", [
        timed([0.0], posted(api, f"/api/segment/{segment}/grade-preview",
                            msgspec.structs.asdict(grade)))[0]
        for grade in grades
    ]))
    for label, start, fps in (("strip of 60 at 1 fps over a minute", 200.0, 1.0),
                              ("strip of 60 at 0.1 fps over the whole file", 0.0, 0.1)):
        body = {"start": start, "end": start + 60 / fps, "fps": fps}
        took = timed([0.0], posted(api, f"/api/project/{project}/preview/strip", body))[0]
        print(f"  {label:<52} {took:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--http", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        source, proxy = work / "long_gop_720p.mp4", work / "proxy.mp4"
        if not source.exists():
            print(f"generated the 10-minute source in {make_source(source):.1f} s")
        print(f"source: {source.stat().st_size / 1e6:.0f} MB, 1280x720, 30 fps, GOP 10 s")
        if not proxy.exists():
            print(f"made its proxy in {make_proxy(source, proxy):.1f} s "
                  f"({DURATION} s of video; {proxy.stat().st_size / 1e6:.0f} MB)")
        library_figures(source, proxy, args.samples, work)
        if args.http:
            http_figures(source, args.samples, Path(tempfile.mkdtemp(dir=work)))


if __name__ == "__main__":
    main()

"""Contact sheets for the README: one video per style, a grid of its scenes' frames.

Starts its own NATS + PostgreSQL + stack (as bench_text2video does), asks for one video
per style through the text2video API, and for each writes `docs/img/contact-<style>.png`:
a settled frame of every scene (late in the scene, where the quality report says it is),
labelled with the scene's sentence. What a reader of the README sees is what the API made.

Run: .venv/bin/python tests/bench/contact_sheet.py [--out docs/img] [--style clean ...]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

import asyncpg
import av
from PIL import Image, ImageDraw, ImageFont
from videogen_local.infra import free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env
from videogen_media.fonts import find_caption_font

sys.path.insert(0, str(Path(__file__).parent))
from bench_text2video import _get, _post  # type: ignore[import-not-found]

NAMESPACE = "sheet"
TEXT = (
    "Honeybees visit flowers in the sun. "
    "A single bee can fly several kilometres for nectar. "
    "Back at the hive, it dances to show the others the way. "
    "\"Bees are the heart of the garden,\" says the beekeeper. "
    "Flowers, fruit trees and vegetables all need them. "
    "Without bees, our plates would be far emptier."
)
STYLES = ("clean", "bold", "documentary", "playful")
THUMB = 480  # each cell's width
COLUMNS = 3


def make_video(base_url: str, style: str) -> str:
    job = _post(base_url + "/api/v1/generate", {"text": TEXT, "style": style})
    while True:
        status = _get(f"{base_url}/api/v1/status/{job['job_id']}")
        if status["status"] in ("completed", "failed"):
            break
        time.sleep(0.1)
    if status["status"] != "completed":
        raise SystemExit(f"{style}: {status}")
    return str(job["job_id"])


async def sentences_of(database_url: str, job_id: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        data = await conn.fetchval(
            f"SELECT data::text FROM {NAMESPACE}_media.events"
            " WHERE type = 'MediaPreparationRequested' AND data->>'production_id' = $1",
            job_id,
        )
    finally:
        await conn.close()
    return [s["text"] for s in json.loads(data)["sentences"]]


def settled_frames(video: bytes, starts: list[float]) -> list[Image.Image]:
    wanted = [a + 0.75 * (b - a) for a, b in itertools.pairwise(starts)]
    found: list[Image.Image] = []
    container: Any = av.open(io.BytesIO(video))
    with container:
        for frame in container.decode(video=0):
            if not wanted:
                break
            if frame.time is not None and frame.time >= wanted[0]:
                found.append(frame.to_image())
                wanted.pop(0)
    return found


def sheet(frames: list[Image.Image], labels: list[str], style: str) -> Image.Image:
    font_path = str(find_caption_font().path)
    label_font = ImageFont.truetype(font_path, 17)
    title_font = ImageFont.truetype(font_path, 26)
    w = THUMB
    h = round(THUMB * frames[0].height / frames[0].width)
    label_h = 62
    rows = -(-len(frames) // COLUMNS)
    out = Image.new("RGB", (COLUMNS * (w + 12) + 12, 56 + rows * (h + label_h + 12)), "#101316")
    draw = ImageDraw.Draw(out)
    draw.text((14, 14), f"style: {style}", font=title_font, fill="#f2f2f2")
    for i, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        x = 12 + (i % COLUMNS) * (w + 12)
        y = 56 + (i // COLUMNS) * (h + label_h + 12)
        out.paste(frame.resize((w, h), Image.Resampling.LANCZOS), (x, y))
        lines = textwrap.wrap(f"{i + 1}. {label}", width=50)[:3]
        draw.multiline_text((x, y + h + 4), "\n".join(lines), font=label_font, fill="#d8d8d8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--style", action="append", choices=STYLES)
    args = parser.parse_args()
    styles = args.style or list(STYLES)
    args.out.mkdir(parents=True, exist_ok=True)
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
            for style in styles:
                job_id = make_video(stack.base_url, style)
                with urllib.request.urlopen(f"{stack.base_url}/api/v1/download/{job_id}") as r:
                    video = r.read()
                report = json.loads((work / "blobs" / "reports" / f"{job_id}.json").read_text())
                labels = asyncio.run(sentences_of(pg.url, job_id))
                frames = settled_frames(video, report["scenes"]["starts_s"])
                target = args.out / f"contact-{style}.png"
                sheet(frames, labels, style).save(target, optimize=True)
                print(f"{target}: {len(frames)} scenes, layouts {report['scenes']['layouts']}")
        finally:
            stack.stop()
            nats.stop()
            pg.stop()


if __name__ == "__main__":
    main()

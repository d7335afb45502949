"""The real renderer: one ffmpeg pass over a small timeline, decoded back with PyAV."""

from __future__ import annotations

import asyncio
import itertools
import math
import struct
import wave
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import av
import numpy as np
import pytest
from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.media import FfmpegRenderer, caption_fonts_dir
from export_service.app.ports import EncodeFailed, MissingInput
from PIL import Image
from videogen_contracts.export.events import CaptionTrack, RenderRequested, TimelineClip
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import RenderSettings
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable as ffmpeg_path

DURATIONS = (1.3, 0.9, 1.7)
CAPTIONS = ("Hello ocean world", "東京の夜 مرحبا 🚀", "Stars over the mountains")
ASS_HEADER = """[Script Info]
ScriptType: v4.00+
PlayResX: {w}
PlayResY: {h}
WrapStyle: 2

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans,43,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,\
1,3,1,2,90,90,50,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def write_tone(path: Path, seconds: float, hz: float, rate: int = 22_050) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = int(seconds * rate)
    samples = (int(8000 * math.sin(2 * math.pi * hz * n / rate)) for n in range(count))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples))


def stamp(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


@pytest.fixture
def blobs(tmp_path: Path) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(tmp_path / "blobs"))


def request_for(blobs: ExportBlobs, *, stock_image: bool = True) -> RenderRequested:
    rid = uuid4()
    clips, start, dialogue = [], 0.0, []
    palettes = (["#0b3d91", "#1e88e5", "#021027"], ["#7a1f0e", "#e0642a", "#2b1a14"])
    for index, (seconds, text) in enumerate(zip(DURATIONS, CAPTIONS, strict=True)):
        sid = uuid4()
        key = f"narration/{rid}/{sid}.wav"
        write_tone(blobs.root / key, seconds, 220 + 110 * index)
        if index == 2 and stock_image:
            image_key = f"visuals/{rid}/{sid}.png"
            (blobs.root / image_key).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (640, 480), (30, 140, 60)).save(blobs.root / image_key)
            visual = ChosenVisual(sentence_id=sid, keywords=["hill"], kind="stock", key=image_key)
        else:
            spec = ProceduralSpec(style=("gradient", "radial")[index % 2],
                                  palette=palettes[index % 2],
                                  seed=index + 1)
            visual = ChosenVisual(sentence_id=sid, keywords=["x"], kind="procedural", spec=spec)
        clips.append(TimelineClip(clip_id=sid, text=text, narration_key=key,
                                  duration_s=seconds, visual=visual))
        dialogue.append(f"Dialogue: 0,{stamp(start + 0.01)},{stamp(start + seconds - 0.01)},"
                        f"Default,,0,0,0,,{text}")
        start += seconds
    ass_key = f"captions/{rid}.ass"
    (blobs.root / ass_key).parent.mkdir(parents=True, exist_ok=True)
    (blobs.root / ass_key).write_text(ASS_HEADER.format(w=1280, h=720) + "\n".join(dialogue))
    return RenderRequested(
        render_id=rid, project_id=rid, production_id=rid, clips=clips,
        captions=CaptionTrack(ass_key=ass_key, srt_key=None), settings=RenderSettings(),
        output_key=f"videos/{rid}.mp4", subtitle_key=None, requested_at=datetime.now(UTC),
    )


def renderer() -> FfmpegRenderer:
    return FfmpegRenderer(ffmpeg_path(), caption_fonts_dir())


def frames_at(path: Path, seconds: list[float]) -> list[np.ndarray[Any, Any]]:
    wanted, found = sorted(seconds), []
    container: Any = av.open(str(path))
    with container:
        for frame in container.decode(video=0):
            if wanted and frame.time is not None and frame.time >= wanted[0]:
                found.append(frame.to_ndarray(format="rgb24"))
                wanted.pop(0)
    return found


async def test_one_pass_renders_the_timeline(blobs: ExportBlobs) -> None:
    request = request_for(blobs)
    output = blobs.scratch_path(".mp4")
    seen: list[float] = []

    async def progress(fraction: float) -> None:
        seen.append(fraction)

    await renderer().render(request, blobs, output, progress)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    probed = await renderer().probe(output)
    assert abs(probed.duration_s - sum(DURATIONS)) <= 0.05
    container: Any = av.open(str(output))
    with container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.width, video.codec_context.height) == (1280, 720)
        assert video.average_rate == 30
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
    middles = [0.65, 1.3 + 0.45, 2.2 + 0.85]
    frames = frames_at(output, middles)
    assert len(frames) == 3
    for a, b in itertools.pairwise(frames):
        assert np.abs(a.astype(int) - b.astype(int)).mean() > 5, "scenes look the same"
    for frame in frames:
        band = frame[int(frame.shape[0] * 0.6):]
        # White glyphs (CJK and emoji have no glyphs in the wheel's font: boxes, fewer).
        assert (band.min(axis=2) > 225).mean() > 0.0005, "no caption pixels"
    assert not output.with_suffix(".graph").exists()


async def test_a_bad_input_is_an_encode_failure_in_ffmpegs_words(blobs: ExportBlobs) -> None:
    request = request_for(blobs, stock_image=False)
    (blobs.root / request.clips[0].narration_key).write_bytes(b"not a wav at all")

    async def progress(fraction: float) -> None:
        return None

    with pytest.raises(EncodeFailed, match="ffmpeg exited with"):
        await renderer().render(request, blobs, blobs.scratch_path(".mp4"), progress)


async def test_a_missing_blob_is_named(blobs: ExportBlobs) -> None:
    request = request_for(blobs)
    (blobs.root / request.clips[1].narration_key).unlink()

    async def progress(fraction: float) -> None:
        return None

    with pytest.raises(MissingInput) as caught:
        await renderer().render(request, blobs, blobs.scratch_path(".mp4"), progress)
    assert caught.value.key == request.clips[1].narration_key


async def test_cancelling_kills_the_encoder(blobs: ExportBlobs) -> None:
    request = request_for(blobs)
    long = [c.__class__(clip_id=c.clip_id, text=c.text, narration_key=c.narration_key,
                        duration_s=60.0, visual=c.visual) for c in request.clips]
    slow = RenderRequested(**{**{f: getattr(request, f) for f in request.__struct_fields__},
                              "clips": long, "settings": RenderSettings(preset="veryslow")})
    started = asyncio.Event()

    async def progress(fraction: float) -> None:
        started.set()

    task = asyncio.create_task(renderer().render(slow, blobs, blobs.scratch_path(".mp4"), progress))
    async with asyncio.timeout(30):
        await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    children = Path("/proc/self/task").parent / "task"
    assert children.exists()  # still us; ffmpeg is gone:
    assert not _ffmpeg_children()


def _ffmpeg_children() -> list[int]:
    import os

    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parts = stat.rsplit(")", 1)[1].split()
        if int(parts[1]) == me and "ffmpeg" in stat:
            found.append(int(entry.name))
    return found

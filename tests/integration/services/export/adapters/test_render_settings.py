"""Aura's renderSpec reaches the encoder: codec, container, size, fps and bitrates, on real
ffmpeg, decoded back with PyAV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import av
import msgspec
import pytest
from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.media import FfmpegRenderer, caption_fonts_dir
from videogen_contracts.export.events import CaptionTrack, RenderRequested, TimelineClip
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import RenderSettings
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable

from tests.integration.services.tones import write_tone

pytestmark = pytest.mark.aura

SECONDS = (0.8, 0.6)


def request(blobs: ExportBlobs, settings: RenderSettings) -> RenderRequested:
    rid, clips = uuid4(), []
    for index, seconds in enumerate(SECONDS):
        sid = uuid4()
        key = f"narration/{rid}/{sid}.wav"
        write_tone(blobs.root / key, seconds)
        spec = ProceduralSpec(style="gradient", palette=["#102030", "#4080c0"], seed=index)
        visual = ChosenVisual(sentence_id=sid, keywords=["x"], kind="procedural", spec=spec)
        clips.append(TimelineClip(clip_id=sid, text="x", narration_key=key, duration_s=seconds,
                                  visual=visual))
    return RenderRequested(
        render_id=rid, project_id=rid, production_id=rid, clips=clips,
        captions=CaptionTrack(ass_key=None, srt_key=None), settings=settings,
        output_key=f"videos/{rid}.{settings.container}", subtitle_key=None,
        requested_at=datetime.now(UTC),
    )


async def render(tmp_path: Path, settings: RenderSettings) -> Path:
    blobs = ExportBlobs(LocalBlobStore(tmp_path / "blobs"))
    output = blobs.scratch_path(f".{settings.container}")

    async def progress(_: float) -> None:
        pass

    await FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir()).render(
        request(blobs, settings), blobs, output, progress
    )
    return output


def probe(path: Path) -> dict[str, Any]:
    container: Any = av.open(str(path))
    with container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        return {
            "format": container.format.name,
            "size": (video.codec_context.width, video.codec_context.height),
            "fps": float(video.average_rate),
            "codecs": (video.codec_context.name, audio.codec_context.name),
            "video_bits": video.bit_rate or 0,
        }


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (RenderSettings(width=640, height=360, fps=24, codec="hevc", preset="ultrafast"),
         {"size": (640, 360), "fps": 24.0, "codecs": ("hevc", "aac")}),
        (RenderSettings(width=480, height=480, fps=15, codec="vp9", container="webm",
                        aspect="1:1"),
         {"size": (480, 480), "fps": 15.0, "codecs": ("vp9", "opus")}),
        (RenderSettings(width=360, height=640, fps=25, aspect="9:16"),
         {"size": (360, 640), "fps": 25.0, "codecs": ("h264", "aac")}),
    ],
    ids=["hevc-mp4-360p-24fps", "vp9-webm-square-15fps", "h264-vertical-25fps"],
)
async def test_the_render_honours_codec_container_size_and_fps(
    tmp_path: Path, settings: RenderSettings, expected: dict[str, Any]
) -> None:
    found = probe(await render(tmp_path, settings))
    assert {k: found[k] for k in expected} == expected
    assert ("webm" in found["format"]) == (settings.container == "webm")


async def test_the_audio_bitrate_reaches_the_file(tmp_path: Path) -> None:
    base = RenderSettings(width=320, height=180, preset="ultrafast")
    low = await render(tmp_path / "low", msgspec.structs.replace(base, audio_bitrate_k=32))
    high = await render(tmp_path / "high", msgspec.structs.replace(base, audio_bitrate_k=320))
    # 288 kbit/s more over 1.4 s of audio is about 50 kB.
    assert high.stat().st_size - low.stat().st_size > 30_000

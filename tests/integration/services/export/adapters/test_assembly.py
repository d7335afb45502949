"""The pipelined render: segments joined by stream copy under a soundtrack, then measured.

Real ffmpeg throughout: two segments encoded with the media service's encoder
(videogen_media.segment_render), narrations as tones, the export's renderer assembles them.
Decoded back: the frame count is the segments' sum, the audio lasts as long as the video,
the loudness is on target, and the quality report states both. Segments that do not fit
the request (another frame rate) fall back to the one-pass render of the designed stills.
"""

from __future__ import annotations

import itertools
import math
import struct
import wave
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import av
import msgspec
import numpy as np
import pytest
from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.media import FfmpegRenderer, caption_fonts_dir
from export_service.app.ports import MissingInput
from PIL import Image, ImageDraw
from videogen_contracts.export.events import CaptionTrack, RenderRequested, TimelineClip
from videogen_contracts.media.events import ChosenVisual, PictureSegment, SoundOptions
from videogen_contracts.project.production import RenderSettings
from videogen_media import quality
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.render import scene_frames
from videogen_media.render_settings import RenderSettings as EncoderSettings
from videogen_media.scene_types import ComposedScene
from videogen_media.segment_render import SegmentScene, render_segment

DURATIONS = (1.2, 0.8, 1.4)
PAUSES = (0.25, 0.25, 0.6)
COLOURS = ((200, 60, 40), (40, 120, 200), (60, 170, 90))
W, H, FPS = 320, 180, 30


def write_tone(path: Path, seconds: float, hz: float, rate: int = 22_050) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = (
        int(9000 * math.sin(2 * math.pi * hz * n / rate)) for n in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples))


def scene(directory: Path, index: int) -> ComposedScene:
    directory.mkdir(parents=True, exist_ok=True)
    background = directory / f"bg-{index}.png"
    image = Image.new("RGB", (W, H), COLOURS[index])
    ImageDraw.Draw(image).ellipse((40 + 60 * index, 40, 120 + 60 * index, 120), fill="white")
    image.save(background)
    return ComposedScene(
        background=background, layers=(), still=background, layout="type", source="type"
    )


@pytest.fixture
def blobs(tmp_path: Path) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(tmp_path / "blobs"))


async def request_for(
    blobs: ExportBlobs, tmp_path: Path, *, fps: int = FPS, report: bool = True
) -> RenderRequested:
    rid = uuid4()
    frames = scene_frames([d + p for d, p in zip(DURATIONS, PAUSES, strict=True)], FPS)
    scenes = [scene(tmp_path / "scenes", i) for i in range(3)]
    clips = []
    for index, seconds in enumerate(DURATIONS):
        key = f"narration/{rid}/{index}.wav"
        write_tone(blobs.root / key, seconds, 220 + 110 * index)
        still = f"visuals/{rid}/{index}.png"
        blobs.store.write_file(still, scenes[index].still)
        clips.append(
            TimelineClip(
                clip_id=uuid4(), text=f"scene {index}", narration_key=key, duration_s=seconds,
                pause_s=PAUSES[index],
                visual=ChosenVisual(
                    sentence_id=uuid4(), keywords=["x"], kind="designed", key=still,
                    layout="type", icons=[],
                ),
            )
        )
    settings = EncoderSettings(frame=(W, H))
    segments = []
    for first, count in ((0, 2), (2, 1)):
        out = tmp_path / f"segment-{first}.mp4"
        parts = [SegmentScene(scenes[i], frames[i]) for i in range(first, first + count)]
        await render_segment(parts, settings, out, ffmpeg_exe=ffmpeg_executable())
        key = f"segments/{rid}/{first}.mp4"
        blobs.store.write_file(key, out)
        segments.append(
            PictureSegment(key=key, first=first, count=count, frames=sum(frames[first:][:count]))
        )
    media_key = f"reports/{rid}.media.json"
    if report:
        half = quality.QualityReport(timings=quality.Timings(narration_s=1.0, picture_s=2.0))
        (tmp_path / "media.json").write_bytes(quality.encode_report(half))
        blobs.store.write_file(media_key, tmp_path / "media.json")
    return RenderRequested(
        render_id=rid, project_id=rid, production_id=rid, clips=clips, captions=CaptionTrack(),
        settings=RenderSettings(width=W, height=H, fps=fps), output_key=f"videos/{rid}.mp4",
        subtitle_key=None, requested_at=datetime.now(UTC), segments=segments,
        sound=SoundOptions(loudness_lufs=-14.0), media_report_key=media_key,
    )


def decoded(path: Path) -> tuple[int, float, float]:
    """(video frames, video end, audio end) in seconds, decoding every frame."""
    count, video_end, audio_end = 0, 0.0, 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0, audio=0):
            assert isinstance(frame, av.VideoFrame | av.AudioFrame)
            assert frame.pts is not None
            assert frame.time_base is not None
            start = float(frame.pts * frame.time_base)
            if isinstance(frame, av.AudioFrame):
                audio_end = max(audio_end, start + frame.samples / frame.sample_rate)
            else:
                count += 1
                video_end = max(video_end, start + 1 / FPS)
    return count, video_end, audio_end


async def _progress(_: float) -> None:
    return None


async def test_segments_are_joined_under_a_normalised_soundtrack(
    blobs: ExportBlobs, tmp_path: Path
) -> None:
    request = await request_for(blobs, tmp_path)
    renderer = FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir())
    out = tmp_path / "out.mp4"
    notes = await renderer.render(request, blobs, out, _progress)
    assert notes is not None, "the segments fit: assembled, not rendered in one pass"
    assert isinstance(request.segments, list)
    frames, video_end, audio_end = decoded(out)
    total = sum(s.frames for s in request.segments)
    assert frames == total
    assert video_end == pytest.approx(total / FPS, abs=1e-3)
    assert abs(audio_end - video_end) <= 1 / FPS + 0.03, (video_end, audio_end)

    report = quality.decode_report(await renderer.report(request, blobs, out, notes))
    assert report.loudness is not None
    assert abs(report.loudness.integrated_lufs - -14.0) <= 1.0, report.loudness
    assert report.loudness.true_peak_dbtp <= -0.9, report.loudness
    assert report.av_sync is not None
    assert abs(report.av_sync.offset_ms) <= 1000 / FPS + 30
    assert report.timings.narration_s == 1.0  # the media half, kept
    assert report.timings.join_s is not None


async def test_each_narration_starts_on_its_scene(blobs: ExportBlobs, tmp_path: Path) -> None:
    """The tone of scene i is heard from scene i's first frame (not laid end to end)."""
    request = await request_for(blobs, tmp_path)
    out = tmp_path / "out.mp4"
    await FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir()).render(
        request, blobs, out, _progress
    )
    frames = scene_frames([d + p for d, p in zip(DURATIONS, PAUSES, strict=True)], FPS)
    starts = [e / FPS for e in itertools.accumulate([0, *frames[:-1]])]
    with av.open(str(out)) as container:
        chunks = [f.to_ndarray().mean(axis=0) for f in container.decode(audio=0)]
        rate = container.streams.audio[0].rate
    audio = np.concatenate(chunks)
    for index, start in enumerate(starts):
        # Inside the narration: loud; inside its pause (after the tone): quiet.
        speech = audio[int((start + 0.2) * rate): int((start + DURATIONS[index] - 0.1) * rate)]
        pause = audio[int((start + DURATIONS[index] + 0.08) * rate):
                      int((start + DURATIONS[index] + PAUSES[index] - 0.05) * rate)]
        assert np.sqrt(np.mean(speech**2)) > 10 * np.sqrt(np.mean(pause**2)), index


async def test_segments_that_do_not_fit_fall_back_to_one_pass(
    blobs: ExportBlobs, tmp_path: Path
) -> None:
    request = await request_for(blobs, tmp_path, fps=25)
    out = tmp_path / "out.mp4"
    notes = await FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir()).render(
        request, blobs, out, _progress
    )
    assert notes is None
    _, video_end, audio_end = decoded(out)
    length = sum(DURATIONS) + sum(PAUSES)
    assert video_end == pytest.approx(length, abs=1 / 25 + 1e-3)
    assert abs(audio_end - video_end) <= 0.06


async def test_a_missing_segment_is_a_missing_input(blobs: ExportBlobs, tmp_path: Path) -> None:
    request = await request_for(blobs, tmp_path)
    assert isinstance(request.segments, list)
    gone = msgspec.structs.replace(request.segments[1], key="segments/none/x.mp4")
    broken = msgspec.structs.replace(request, segments=[request.segments[0], gone])
    with pytest.raises(MissingInput):
        await FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir()).render(
            broken, blobs, tmp_path / "out.mp4", _progress
        )

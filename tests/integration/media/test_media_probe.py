"""Probe with PyAV on files made by the real ffmpeg."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from videogen_media.probe import ProbeFailed, frame_at, probe, probe_async


async def test_probe_reads_streams_and_duration(
    tmp_path: Path, clip_maker: Callable[..., Path]
) -> None:
    clip = clip_maker(
        tmp_path / "c.mp4",
        "-f", "lavfi", "-i", "color=c=red:s=320x240:r=25:d=2",
        "-f", "lavfi", "-i", "sine=f=440:r=44100:d=2",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-shortest",
    )  # fmt: skip
    info = await probe_async(clip)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.video is not None
    assert (info.video.width, info.video.height, info.video.codec) == (320, 240, "h264")
    assert info.video.fps == pytest.approx(25)
    assert info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("aac", 44100, 2)


def test_frame_at_returns_the_frame_showing_then(
    tmp_path: Path, clip_maker: Callable[..., Path]
) -> None:
    clip = clip_maker(
        tmp_path / "two.mp4",
        "-f", "lavfi", "-i", "color=c=red:s=64x64:r=10:d=1",
        "-f", "lavfi", "-i", "color=c=blue:s=64x64:r=10:d=1",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "5",
    )  # fmt: skip
    red, blue = frame_at(clip, 0.5), frame_at(clip, 1.5)
    assert red.shape == (64, 64, 3)
    assert red[..., 0].mean() > 200 > red[..., 2].mean()
    assert blue[..., 2].mean() > 200 > blue[..., 0].mean()


def test_audio_only_and_garbage(tmp_path: Path, clip_maker: Callable[..., Path]) -> None:
    wav = clip_maker(tmp_path / "a.wav", "-f", "lavfi", "-i", "sine=d=1.5:r=22050")
    info = probe(wav)
    assert info.video is None
    assert info.audio is not None
    assert info.duration == pytest.approx(1.5, abs=0.01)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not media at all")
    with pytest.raises(ProbeFailed):
        probe(junk)

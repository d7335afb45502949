"""cut_render: cuts of sources of different sizes, with and without audio, in one pass.

The result is decoded: its length is the sum of the cuts (within a frame), the frames at
the cut points are the source frames at the cut starts (PSNR), a beep lands where the cut
puts it (audio in sync across a clip that had no audio), a grade greys its cut only, and
each format has the streams it should.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from videogen_media.cut_render import Cut, CutFormat, build_cut_command, render_cuts
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import frame_at, probe

BEEP_AT = 6.0  # seconds into clip A


def _make(path: Path, *args: str) -> Path:
    subprocess.run([ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-y", *args,
                    str(path)], check=True)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A: 320x240 at 25 fps with a 1 kHz beep at 6 s; B: 480x270 at 30 fps, no audio."""
    root = tmp_path_factory.mktemp("cuts")
    beep = f"aevalsrc=0.5*sin(2*PI*1000*t)*between(t\\,{BEEP_AT}\\,{BEEP_AT + 0.2}):s=48000:d=10"
    a = _make(root / "a.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=10",
              "-f", "lavfi", "-i", beep, "-c:v", "libx264", "-g", "50", "-pix_fmt", "yuv420p",
              "-c:a", "aac", "-shortest")  # fmt: skip
    b = _make(root / "b.mp4", "-f", "lavfi", "-i", "testsrc=size=480x270:rate=30:duration=8",
              "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p")  # fmt: skip
    return a, b


def _cuts(a: Path, b: Path) -> list[Cut]:
    return [Cut(b, 1.0, 3.0), Cut(a, 5.6, 7.0), Cut(a, 2.0, 3.0, video_filter="hue=s=0")]


def psnr(x: npt.NDArray[np.uint8], y: npt.NDArray[np.uint8]) -> float:
    mse = float(np.mean((x.astype(np.float64) - y.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def _fitted(frame: npt.NDArray[np.uint8], size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BICUBIC))


def _beep_onset(path: Path) -> float:
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
        rate = container.streams.audio[0].rate
    samples = np.abs(np.concatenate(chunks, axis=1)[0])
    return float(np.argmax(samples > 0.1)) / rate


def _render(cuts: list[Cut], fmt: CutFormat, out: Path) -> float:
    return asyncio.run(render_cuts(cuts, fmt, out))


@pytest.fixture(scope="module")
def mp4(sources: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "out.mp4"
    _render(_cuts(*sources), "mp4", out)
    return out


def test_duration_is_the_sum_of_the_cuts(mp4: Path) -> None:
    info = probe(mp4)
    assert info.video is not None
    assert info.audio is not None
    assert abs(info.duration - 4.4) <= 1 / 30 + 1e-3
    assert (info.video.width, info.video.height, round(info.video.fps)) == (480, 270, 30)


def test_frames_at_the_cut_points_are_the_source_frames(
    mp4: Path, sources: tuple[Path, Path]
) -> None:
    a, b = sources
    assert psnr(frame_at(mp4, 0.0), frame_at(b, 1.0)) > 35
    assert psnr(frame_at(mp4, 1.5), frame_at(b, 2.5)) > 35
    # A (320x240) is fitted into 480x270: 360x270 between two 60-pixel bars.
    at_cut = frame_at(mp4, 2.0)
    assert psnr(at_cut[:, 60:420], _fitted(frame_at(a, 5.6), (360, 270))) > 25
    assert psnr(at_cut[:, 60:420], _fitted(frame_at(a, 6.6), (360, 270))) < 20
    assert int(at_cut[:, :50].max()) < 30  # the bars are black


def test_a_grade_applies_to_its_cut_only(mp4: Path, sources: tuple[Path, Path]) -> None:
    a, _ = sources
    graded = frame_at(mp4, 3.4).astype(np.int16)[:, 60:420]
    # Grey, give or take the chroma that 4:2:0 and x264 leave on testsrc2's sharp edges.
    assert float(np.abs(graded[..., 0] - graded[..., 2]).mean()) < 5
    # The grey is the source's luma (BT.601 weights, as the encoder's colour matrix).
    luma = _fitted(frame_at(a, 2.0), (360, 270)) @ np.array([0.299, 0.587, 0.114])
    assert psnr(graded[..., 1].astype(np.uint8), luma.round().astype(np.uint8)) > 25
    ungraded = frame_at(mp4, 3.3).astype(np.int16)[:, 60:420]
    assert float(np.abs(ungraded[..., 0] - ungraded[..., 2]).mean()) > 50  # colour


def test_audio_stays_in_sync_after_a_clip_without_audio(mp4: Path) -> None:
    # The beep is 0.4 s into the second cut, which starts after 2 s of silent B.
    assert abs(_beep_onset(mp4) - 2.4) < 1 / 30


@pytest.mark.parametrize(
    ("fmt", "video_codec", "audio_codec"),
    [("webm", "vp9", "opus"), ("mov", "h264", "aac"), ("gif", "gif", None)],
)
def test_each_format_has_its_streams(
    fmt: CutFormat,
    video_codec: str,
    audio_codec: str | None,
    sources: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    out = tmp_path / f"out.{fmt}"
    duration = _render(_cuts(*sources), fmt, out)
    info = probe(out)
    assert info.video is not None
    assert info.video.codec == video_codec
    assert (info.audio.codec if info.audio else None) == audio_codec
    assert abs(info.duration - 4.4) <= 1 / info.video.fps + 1e-3
    assert abs(duration - 4.4) < 1e-6
    if audio_codec:
        assert abs(_beep_onset(out) - 2.4) < 1 / 30


def test_one_ffmpeg_command_seeks_each_input_accurately(
    sources: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = sources
    infos = [probe(b), probe(a), probe(a)]
    command = build_cut_command(_cuts(a, b), infos, "mp4", tmp_path / "o.mp4",
                                graph_path=tmp_path / "g.txt")  # fmt: skip
    argv = command.argv
    assert argv.count("-i") == 3
    assert argv.count("-ss") == 3
    first = argv.index("-ss")
    # Opened just under a frame (1/30 s) early, so the frame showing at 1.0 s comes first.
    assert argv[first : first + 6] == ["-ss", "0.967667", "-t", "2.032333", "-i", str(b)]
    assert "anullsrc" in command.graph  # B has no audio: a silent track of its length
    assert "concat=n=3:v=1:a=1" in command.graph


def test_a_cut_between_two_frames_starts_with_the_frame_showing_then(
    sources: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = sources
    out = tmp_path / "between.mp4"
    # 25 fps: frames at 5.60 and 5.64; at 5.62 the one of 5.60 is showing.
    _render([Cut(a, 5.62, 6.62)], "mp4", out)
    first = frame_at(out, 0.0)
    assert psnr(first, frame_at(a, 5.6)) > 30
    assert psnr(first, frame_at(a, 5.64)) < psnr(first, frame_at(a, 5.6)) - 5
    # The sound starts at 5.62 to the sample: the beep (6.0 s) is 0.38 s in.
    assert abs(_beep_onset(out) - 0.38) < 0.005

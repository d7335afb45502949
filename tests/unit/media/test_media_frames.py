"""Preview frames: the right frame at each time, from the original or its proxy, scaled,
graded, and a strip equal to the frames grabbed one by one."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from videogen_contracts.media.editing import ColorGrade
from videogen_media.clip_render import clip_argv, proxy_argv
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.frames import (
    frame_index,
    grab_jpeg,
    grab_jpegs,
    keyframe_times,
    scaled_size,
    video_facts,
)
from videogen_media.probe import probe

FPS = 6
SECONDS = 6
# Frame n is flat grey with luma 16 + 6n: a decoded frame says which one it is (the steps
# are wide enough to survive the proxy's coarse quantizer).
SOURCE = f"color=black:s=320x180:r={FPS}:d={SECONDS},geq=lum='16+6*N':cb=128:cr=128"


def _encode(target: Path, *extra: str) -> Path:
    subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-y", "-f", "lavfi", "-i", SOURCE,
         "-f", "lavfi", "-i", f"sine=f=440:d={SECONDS}", "-shortest",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         *extra, str(target)],
        check=True,
    )
    return target


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One keyframe every 3 s: most frames are far from their keyframe.
    return _encode(tmp_path_factory.mktemp("frames") / "long_gop.mp4", "-g", str(3 * FPS))


@pytest.fixture(scope="module")
def proxy(clip: Path) -> Path:
    target = clip.with_name("proxy.mp4")
    subprocess.run(proxy_argv(clip, target, fps=FPS), check=True)
    return target


def _frame_number(jpeg: bytes) -> int:
    # The JPEG is full range: limited-range luma 16 + 6n is 6n * 255 / 219 in it.
    luma = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), dtype=np.float64).mean()
    return round(luma * 219 / 255 / 6)


def _size(jpeg: bytes) -> tuple[int, int]:
    size: tuple[int, int] = Image.open(io.BytesIO(jpeg)).size
    return size


def test_facts_and_keyframes(clip: Path, proxy: Path) -> None:
    facts = video_facts(clip)
    assert (facts.fps, facts.width, facts.height) == (FPS, 320, 180)
    assert facts.duration == pytest.approx(SECONDS, abs=0.2)
    assert keyframe_times(clip) == (0.0, 3.0)
    assert keyframe_times(proxy) == tuple(i * 0.5 for i in range(2 * SECONDS))


@pytest.mark.parametrize("ts", [0.0, 0.05, 1.0, 2.95, 3.0, 4.44, 5.9])
def test_the_frame_showing_at_a_time(clip: Path, proxy: Path, ts: float) -> None:
    expected = frame_index(ts, FPS)
    assert _frame_number(grab_jpeg(clip, ts, max_width=640)) == expected
    assert _frame_number(grab_jpeg(proxy, ts, max_width=640)) == expected


def test_past_the_end_the_last_frame_shows(clip: Path) -> None:
    assert _frame_number(grab_jpeg(clip, SECONDS + 5.0, max_width=640)) == SECONDS * FPS - 1


def test_a_strip_is_the_frames_one_by_one_in_the_order_asked(clip: Path, proxy: Path) -> None:
    times = [5.0, 0.0, 0.3, 2.9, 3.1, 3.2, 0.3, 5.5]
    for path in (clip, proxy):
        strip = grab_jpegs(path, times, max_width=160)
        assert [_frame_number(jpeg) for jpeg in strip] == [frame_index(t, FPS) for t in times]
    assert grab_jpegs(clip, [], max_width=160) == []


def test_frames_are_scaled_down_never_up(clip: Path) -> None:
    assert _size(grab_jpeg(clip, 1.0, max_width=100)) == (100, 56)
    assert _size(grab_jpeg(clip, 1.0, max_width=4000)) == (320, 180)
    assert scaled_size(1280, 720, 640) == (640, 360)
    assert scaled_size(721, 405, 1000) == (720, 404)


def test_a_graded_frame_is_the_grade_applied(clip: Path) -> None:
    plain = grab_jpeg(clip, 2.0, max_width=320)
    neutral = grab_jpeg(clip, 2.0, max_width=320, grade=ColorGrade())
    assert neutral == plain
    brighter = grab_jpeg(clip, 2.0, max_width=320, grade=ColorGrade(brightness=0.3))
    assert _size(brighter) == (320, 180)
    assert _frame_number(brighter) > _frame_number(plain) + 8


def test_a_clip_is_the_window_graded(clip: Path, tmp_path: Path) -> None:
    target = tmp_path / "window.mp4"
    subprocess.run(
        clip_argv(clip, target, start=2.0, end=4.0, grade=ColorGrade(saturation=0.0)), check=True
    )
    info = probe(target)
    assert info.duration == pytest.approx(2.0, abs=0.15)
    assert info.audio is not None
    assert _frame_number(grab_jpeg(target, 0.0, max_width=320)) == frame_index(2.0, FPS)

"""Segments rendered by real ffmpeg (libass, x264) and joined by copy, decoded and measured."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageDraw
from videogen_media.captions import CaptionCue, CaptionStyle, change_times, write_captions
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.fonts import find_caption_font
from videogen_media.render_settings import RenderSettings
from videogen_media.scene_types import ComposedScene, Entrance, Layer
from videogen_media.segment_join import SegmentsMismatch
from videogen_media.segment_render import (
    InvalidSegment,
    SegmentScene,
    join_segments,
    render_segment,
)

SETTINGS = RenderSettings(resolution=360)  # 640x360: small frames, quick tests
W, H = SETTINGS.size
FPS = SETTINGS.fps
Frames = list[npt.NDArray[np.int16]]
# Far-apart background colours per scene, so a blend of two is measurable.
COLOURS = ((200, 40, 40), (40, 60, 210), (40, 170, 60))


def make_scene(
    i: int,
    out: Path,
    enter: Entrance = "rise",
    drift: tuple[float, float] = (4.0, 0.0),
    enter_at: float = 0.0,
) -> ComposedScene:
    """A gently graded background, a square icon and a bar, like a designed scene."""
    base = np.array(COLOURS[i % 3], dtype=np.float32)
    shade = np.linspace(0.85, 1.0, H, dtype=np.float32)[:, None, None]
    bg = Image.fromarray(np.broadcast_to(base * shade, (H, W, 3)).astype(np.uint8))
    bg.save(out / f"bg{i}.png")
    icon = Image.new("RGBA", (96, 96))
    ImageDraw.Draw(icon).rectangle((0, 0, 95, 95), fill=(255, 230, 0, 255))
    bar = Image.new("RGBA", (260, 40))
    ImageDraw.Draw(bar).rectangle((0, 0, 259, 39), fill=(255, 255, 255, 255))
    icon.save(out / f"icon{i}.png")
    bar.save(out / f"bar{i}.png")
    layers = (
        Layer(out / f"icon{i}.png", 80, 60, enter, enter_at, 0.5, drift),
        Layer(out / f"bar{i}.png", 220, 80, "fade", enter_at + 0.2, 0.4, (0.0, 0.0)),
    )
    still = bg.convert("RGBA")
    still.alpha_composite(icon, (80, 60))
    still.alpha_composite(bar, (220, 80))
    still.convert("RGB").save(out / f"still{i}.png")
    return ComposedScene(out / f"bg{i}.png", layers, out / f"still{i}.png", "icon", "icon")


def decode(path: Path) -> tuple[Frames, list[int], list[int], Fraction]:
    """Every frame (RGB), its pts, the keyframe indexes, the time base."""
    frames: Frames = []
    pts: list[int] = []
    keys: list[int] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for index, frame in enumerate(container.decode(stream)):
            frames.append(frame.to_ndarray(format="rgb24").astype(np.int16))
            pts.append(int(frame.pts or 0))
            if frame.key_frame:
                keys.append(index)
        base = stream.time_base
    assert base is not None
    return frames, pts, keys, base


def region(frame: npt.NDArray[np.int16], x: int, y: int, w: int, h: int) -> npt.NDArray[np.int16]:
    return frame[y : y + h, x : x + w]


def top_atoms(path: Path) -> list[str]:
    data, at, names = path.read_bytes(), 0, []
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        at += size if size >= 8 else len(data)
    return names


def white(frame: npt.NDArray[np.int16]) -> int:
    return int((frame.min(axis=2) > 230).sum())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two segments of one video (scenes 0-1, then 2) with captions, and their join."""
    out = tmp_path_factory.mktemp("segments")
    scenes = [make_scene(i, out) for i in range(3)]
    font = find_caption_font()
    style = CaptionStyle.for_frame(W, H)
    cues = [CaptionCue(1.0, 1.6, ("Busy bees",), 0), CaptionCue(3.1, 3.5, ("dance",), 1)]
    ass, _ = write_captions(cues, font, style, out)
    first, second = out / "a.mp4", out / "b.mp4"

    async def render() -> None:
        await render_segment(
            [SegmentScene(scenes[0], 60), SegmentScene(scenes[1], 135)],
            SETTINGS,
            first,
            captions=ass,
            caption_changes=change_times(cues),
            fonts_dir=font.directory,
        )
        await render_segment(
            [SegmentScene(scenes[2], 45)], SETTINGS, second, previous_still=scenes[1].still
        )
        await join_segments([first, second], sound, out / "joined.mp4")

    sound = out / "sound.m4a"
    subprocess.run(
        [
            ffmpeg_executable(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=f=440:r=48000:d={240 / FPS}",
            "-ac",
            "2",
            "-c:a",
            "aac",
            str(sound),
        ],
        check=True,
        timeout=60,
    )
    asyncio.run(render())
    return {"first": first, "second": second, "joined": out / "joined.mp4", "dir": out}


def test_each_segment_has_exactly_its_frames_video_only(rendered: dict[str, Path]) -> None:
    for name, count in (("first", 195), ("second", 45)):
        frames, pts, keys, base = decode(rendered[name])
        assert len(frames) == count
        assert keys[0] == 0
        assert all(b - a == round(1 / (FPS * base)) for a, b in itertools.pairwise(pts))
        with av.open(str(rendered[name])) as container:
            assert not container.streams.audio
            assert container.streams.video[0].codec_context.width == W


def test_layers_enter_then_keep_drifting(rendered: dict[str, Path]) -> None:
    frames, *_ = decode(rendered["first"])
    # Scene 1 (frames 60..194): the icon rises in over 0.5 s, then drifts 4 px/s in x.
    icon_area = (40, 20, 180, 180)
    mid_entrance, settled = frames[60 + 7], frames[60 + 30]
    assert np.abs(region(mid_entrance, *icon_area) - region(settled, *icon_area)).mean() > 3
    # Settled: no 2 s window without a visible change (a pixel step of a sharp edge).
    for start in range(60 + 20, 195 - 60, 10):
        window = [region(f, *icon_area) for f in frames[start : start + 60]]
        assert max(int(np.abs(f - window[0]).max()) for f in window) > 60, start
    # And it arrives at its still: the last frame of the scene is the still (x264 aside).
    still = np.asarray(Image.open(rendered["dir"] / "still1.png").convert("RGB"), dtype=np.int16)
    assert np.abs(region(frames[194], *icon_area) - region(still, *icon_area)).mean() < 4


def test_a_transition_frame_blends_the_two_scenes(rendered: dict[str, Path]) -> None:
    frames, *_ = decode(rendered["first"])
    corner = (W - 60, H // 2, 40, 40)  # background only, on both scenes
    old = region(frames[55], *corner).mean(axis=(0, 1))
    new = region(frames[60 + 20], *corner).mean(axis=(0, 1))
    mid = region(frames[60 + 6], *corner).mean(axis=(0, 1))
    share = float(np.dot(mid - old, new - old) / np.dot(new - old, new - old))
    assert 0.3 < share < 0.7  # a blend, neither scene alone
    assert np.abs(mid - (old + share * (new - old))).max() < 12  # and on the line between them


def test_captions_are_burnt_at_cue_times_only(rendered: dict[str, Path]) -> None:
    frames, *_ = decode(rendered["first"])
    band = slice(int(H * 0.75), H)
    assert white(frames[round(1.3 * FPS)][band]) > 20
    assert white(frames[round(3.3 * FPS)][band]) > 20
    assert white(frames[round(0.5 * FPS)][band]) == 0
    assert white(frames[round(2.2 * FPS)][band]) == 0


def test_join_is_one_continuous_timeline_with_audio(rendered: dict[str, Path]) -> None:
    frames, pts, keys, base = decode(rendered["joined"])
    assert len(frames) == 240
    step = round(1 / (FPS * base))
    assert [b - a for a, b in itertools.pairwise(pts)] == [step] * 239  # no gap, no dup
    assert pts[0] == 0 or pts[0] * base < Fraction(1, FPS)
    assert {0, 195} <= set(keys)  # a keyframe at the start and at the join
    atoms = top_atoms(rendered["joined"])
    assert atoms.index("moov") < atoms.index("mdat")  # faststart: playable while downloading
    # The copy is exact: the join's frames are the segments' frames.
    second, *_ = decode(rendered["second"])
    assert np.array_equal(frames[195], second[0])
    assert np.array_equal(frames[-1], second[-1])
    with av.open(str(rendered["joined"])) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        assert container.duration is not None
        assert video.time_base is not None
        assert audio.time_base is not None
        video_s = float((video.duration or 0) * video.time_base)
        audio_s = float((audio.duration or 0) * audio.time_base)
        assert video_s == pytest.approx(240 / FPS, abs=1e-3)
        assert audio_s == pytest.approx(240 / FPS, abs=0.03)
        samples = sum(f.samples for f in container.decode(audio))
        assert samples == pytest.approx(48000 * 240 / FPS, abs=1100)  # plays to its end


@pytest.mark.parametrize("transition", ["wipe", "slide"])
async def test_wipe_and_slide_move_across(tmp_path: Path, transition: str) -> None:
    before, after = make_scene(0, tmp_path), make_scene(1, tmp_path, enter="none")
    out = tmp_path / f"{transition}.mp4"
    await render_segment(
        [SegmentScene(after, 30)],
        SETTINGS,
        out,
        transition=transition,  # type: ignore[arg-type]
        transition_s=0.4,
        previous_still=before.still,
    )
    frames, *_ = decode(out)
    mid = frames[6]
    left, right = (
        mid[200:300, 10:60].mean(axis=(0, 1)),
        mid[200:300, W - 60 : W - 10].mean(axis=(0, 1)),
    )
    red, blue = np.array(COLOURS[0]), np.array(COLOURS[1])
    # The new (blue) scene comes in from the left in a wipe, from the right in a slide.
    new_side, old_side = (left, right) if transition == "wipe" else (right, left)
    assert np.abs(new_side - blue * 0.95).max() < 30
    assert np.abs(old_side - red * 0.95).max() < 30
    assert len(frames) == 30


async def test_bad_input_is_refused_clearly(tmp_path: Path) -> None:
    scene = make_scene(0, tmp_path)
    with pytest.raises(InvalidSegment, match="at least one scene"):
        await render_segment([], SETTINGS, tmp_path / "x.mp4")
    with pytest.raises(InvalidSegment, match="0 frames"):
        await render_segment([SegmentScene(scene, 0)], SETTINGS, tmp_path / "x.mp4")
    gone = dataclasses.replace(scene, background=tmp_path / "missing.png")
    with pytest.raises(InvalidSegment, match=r"missing\.png"):
        await render_segment([SegmentScene(gone, 10)], SETTINGS, tmp_path / "x.mp4")
    with pytest.raises(InvalidSegment, match="transition"):
        await render_segment(
            [SegmentScene(scene, 10)],
            SETTINGS,
            tmp_path / "x.mp4",
            transition="spin",  # type: ignore[arg-type]
        )
    assert not (tmp_path / "x.mp4").exists()


async def test_join_refuses_segments_encoded_differently(
    tmp_path: Path, rendered: dict[str, Path]
) -> None:
    other = tmp_path / "other.mp4"
    await render_segment(
        [SegmentScene(make_scene(0, tmp_path), 10)], RenderSettings(resolution=240), other
    )
    with pytest.raises(SegmentsMismatch, match=r"other\.mp4"):
        await join_segments([rendered["second"], other], None, tmp_path / "j.mp4")
    with pytest.raises(SegmentsMismatch, match="at least one"):
        await join_segments([], None, tmp_path / "j.mp4")
    assert not (tmp_path / "j.mp4").exists()


async def test_a_bare_background_pans_and_a_video_plays(tmp_path: Path) -> None:
    bare = dataclasses.replace(make_scene(0, tmp_path), layers=())
    # A sharp-edged background, so a pan of a pixel or two shows.
    stripes = np.zeros((H, W, 3), dtype=np.uint8)
    stripes[:, ::16] = 255
    Image.fromarray(stripes).save(tmp_path / "stripes.png")
    bare = dataclasses.replace(bare, background=tmp_path / "stripes.png")
    clip = tmp_path / "clip.mp4"
    await asyncio.to_thread(
        subprocess.run,
        [
            ffmpeg_executable(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x240:r=25:d=2",
            str(clip),
        ],
        check=True,
        timeout=60,
    )
    moving = dataclasses.replace(make_scene(1, tmp_path), media=clip)
    out = tmp_path / "media.mp4"
    await render_segment([SegmentScene(bare, 90), SegmentScene(moving, 30)], SETTINGS, out)
    frames, *_ = decode(out)
    assert len(frames) == 120
    assert np.abs(frames[5] - frames[85]).max() > 100  # the stripes moved: a pan
    assert np.abs(frames[95] - frames[110]).mean() > 5  # the clip plays under the layers

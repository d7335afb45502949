"""Scenes joined in one ffmpeg pass (real ffmpeg, decoded with PyAV), and their SRTs merged."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from videogen_media.cut_render import InvalidCuts
from videogen_media.probe import frame_at, probe
from videogen_media.scene_concat import JoinedScenes, concat_scenes
from videogen_media.srt_merge import InvalidSrt, SceneSubtitles, merge_srts, parse_srt

MakeClip = Callable[..., Path]


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types, in file order."""
    boxes, data, at = [], path.read_bytes(), 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size < 8:
            break
        at += size
    return boxes


def audio_samples(path: Path) -> np.ndarray:
    """The first audio stream as mono float samples at its own rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray().mean(axis=0) for frame in container.decode(stream)]
    return np.concatenate(chunks)


@pytest.fixture
def scenes(tmp_path: Path, clip_maker: MakeClip) -> list[Path]:
    """Three scenes as a Manim render leaves them, of different shapes:
    a narrated 320x240@15 test pattern (2 s), a silent red 640x360@30 (1.5 s), and a
    320x240@15 picture of 1 s whose narration lasts 1.6 s."""
    first = clip_maker(
        tmp_path / "scene_1.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
    )  # fmt: skip
    second = clip_maker(
        tmp_path / "scene_2.mp4", "-f", "lavfi", "-i", "color=c=red:size=640x360:rate=30:d=1.5",
        "-c:v", "libx264", "-pix_fmt", "yuv420p",
    )  # fmt: skip
    third = clip_maker(
        tmp_path / "scene_3.mp4", "-f", "lavfi", "-i", "color=c=blue:size=320x240:rate=15:d=1",
        "-f", "lavfi", "-i", "sine=frequency=660:duration=1.6", "-c:v", "libx264",
        "-pix_fmt", "yuv420p", "-c:a", "aac",
    )  # fmt: skip
    return [first, second, third]


@pytest.fixture
async def combined(scenes: list[Path], tmp_path: Path) -> tuple[Path, JoinedScenes]:
    output = tmp_path / "combined.mp4"
    return output, await concat_scenes(scenes, output)


async def test_scenes_are_joined_in_one_playable_file_whose_lengths_add_up(
    scenes: list[Path], combined: tuple[Path, JoinedScenes]
) -> None:
    output, joined = combined

    info = probe(output)
    assert info.video is not None
    assert info.audio is not None
    assert (info.video.width, info.video.height, round(info.video.fps)) == (320, 240, 15)
    assert (info.video.codec, info.audio.codec) == ("h264", "aac")
    measured = [probe(scene).duration for scene in scenes]
    frame = 1 / 15
    assert measured[2] == pytest.approx(1.6, abs=0.05)  # the narration outlasts the picture
    assert joined.duration_s == pytest.approx(sum(measured), abs=frame * len(scenes))
    assert info.duration == pytest.approx(sum(measured), abs=frame * len(scenes))
    assert joined.lengths == pytest.approx(measured, abs=frame)
    assert joined.starts == pytest.approx((0.0, joined.lengths[0], sum(joined.lengths[:2])))
    # +faststart: the index comes before the media, so a player starts at once.
    boxes = top_level_boxes(output)
    assert boxes.index("moov") < boxes.index("mdat")


async def test_every_scene_shows_its_own_picture_fitted_to_the_first_scenes_frame(
    scenes: list[Path], combined: tuple[Path, JoinedScenes]
) -> None:
    output, joined = combined
    pairs = zip(joined.starts, joined.lengths, strict=True)
    middles = [start + length / 2 for start, length in pairs]
    first, red, blue = (frame_at(output, t).astype(int) for t in middles)
    assert first.shape == (240, 320, 3)
    assert np.abs(first - frame_at(scenes[0], middles[0]).astype(int)).mean() < 12
    # 16:9 into 4:3: bars above and below, the picture's red in the middle.
    assert red[120, 160].tolist() == pytest.approx([254, 0, 0], abs=25)
    assert red[5, 160].max() < 30
    assert blue[120, 160].tolist() == pytest.approx([0, 0, 254], abs=25)
    # The blue picture is held for its narration's last 0.6 s.
    assert frame_at(output, joined.starts[2] + 1.45)[120, 160, 2] > 200


async def test_a_scene_without_audio_gets_silence_so_the_audio_is_continuous(
    combined: tuple[Path, JoinedScenes],
) -> None:
    output, joined = combined
    samples = audio_samples(output)
    rate = probe(output).audio.sample_rate  # type: ignore[union-attr]
    assert len(samples) / rate == pytest.approx(joined.duration_s, abs=0.05)

    def loudness(start: float, end: float) -> float:
        window = samples[int(start * rate) : int(end * rate)]
        return float(np.sqrt(np.mean(window**2)))

    starts, lengths = joined.starts, joined.lengths
    assert loudness(0.2, lengths[0] - 0.2) > 0.05  # the first scene's tone
    assert loudness(starts[1] + 0.1, starts[2] - 0.1) < 1e-3  # silence, not a gap
    assert loudness(starts[2] + 0.1, joined.duration_s - 0.2) > 0.05


async def test_one_scene_and_bad_inputs(
    scenes: list[Path], tmp_path: Path, clip_maker: MakeClip
) -> None:
    joined = await concat_scenes(scenes[1:2], tmp_path / "one.mp4")
    assert (joined.size, joined.fps) == ((640, 360), 30)
    assert probe(tmp_path / "one.mp4").duration == pytest.approx(1.5, abs=1 / 30)
    with pytest.raises(InvalidCuts):
        await concat_scenes([], tmp_path / "none.mp4")
    sound = clip_maker(
        tmp_path / "sound.m4a", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"
    )
    with pytest.raises(InvalidCuts, match="no video stream"):
        await concat_scenes([scenes[0], sound], tmp_path / "bad.mp4")
    with pytest.raises(InvalidCuts, match=r"sound\.m4a: no video stream"):
        await concat_scenes([sound, scenes[0]], tmp_path / "bad.mp4")


SCENE_1 = """1
00:00:00,000 --> 00:00:01,200
Machine learning finds patterns.

2
00:00:01,200 --> 00:00:02,500
It learns from examples,
not from rules.
"""

SCENE_3 = (
    "\ufeff1\r\n00:00:00.250 --> 00:00:00.900\r\nA model predicts.\r\n\r\n"
    "2\r\n00:00:00,900 --> 00:00:09,000\r\nIt runs past the end.\r\n\r\n"
    "3\r\n00:00:05,000 --> 00:00:06,000\r\nAfter the scene.\r\n"
)


def test_srt_cues_are_parsed_in_any_common_dialect() -> None:
    cues = parse_srt(SCENE_1)
    assert [(c.start, c.end, c.lines) for c in cues] == [
        (0.0, 1.2, ("Machine learning finds patterns.",)),
        (1.2, 2.5, ("It learns from examples,", "not from rules.")),
    ]
    assert [(c.start, c.end) for c in parse_srt(SCENE_3)] == [(0.25, 0.9), (0.9, 9.0), (5.0, 6.0)]
    assert parse_srt("") == []
    with pytest.raises(InvalidSrt, match="cue 1"):
        parse_srt("1\nhello\nworld\n")


def test_srts_are_merged_with_each_scenes_offset_and_kept_inside_their_scene() -> None:
    merged = merge_srts([
        SceneSubtitles(parse_srt(SCENE_1), start=0.0, length=2.6),
        SceneSubtitles([], start=2.6, length=1.5),
        SceneSubtitles(parse_srt(SCENE_3), start=4.1, length=1.6),
    ])  # fmt: skip
    assert merged is not None
    cues = parse_srt(merged)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 1.2, "Machine learning finds patterns."),
        (1.2, 2.5, "It learns from examples, not from rules."),
        (4.35, 5.0, "A model predicts."),
        (5.0, 5.7, "It runs past the end."),
    ]
    assert merged.splitlines()[0] == "1"
    assert "\n4\n00:00:05,000 --> 00:00:05,700\n" in merged
    silent = [SceneSubtitles([], 0.0, 1.0), SceneSubtitles(parse_srt(""), 1.0, 1.0)]
    assert merge_srts(silent) is None

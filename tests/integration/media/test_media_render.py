"""One-pass renders of real narration, checked by decoding the result with PyAV."""

from __future__ import annotations

import itertools
import math
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from videogen_media.captions import (
    CaptionCue,
    CaptionStyle,
    TimedSentence,
    build_cues,
    change_times,
    to_ass,
    write_captions,
)
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.fonts import find_caption_font
from videogen_media.probe import frame_at, probe
from videogen_media.render import Scene, render_timeline
from videogen_media.render_settings import RenderSettings
from videogen_media.visuals import Background, background_for

Narration = list[tuple[str, Path, float]]


def _timed(narration: Narration) -> list[TimedSentence]:
    timed, t = [], 0.0
    for text, _wav, seconds in narration:
        timed.append(TimedSentence(text, t, t + seconds))
        t += seconds
    return timed


def _white(band: np.ndarray) -> int:
    return int((band.min(axis=2) > 235).sum())


async def test_three_scenes_with_captions(tmp_path: Path, narration: Narration) -> None:
    font = find_caption_font()
    style = CaptionStyle.for_frame(1280, 720)
    timed = _timed(narration)
    cues = build_cues(timed, font, style)
    ass, srt = write_captions(cues, font, style, tmp_path)
    scenes = [Scene(wav, s, background_for(text, i)) for i, (text, wav, s) in enumerate(narration)]
    progress: list[float] = []
    out = await render_timeline(
        scenes, RenderSettings(), tmp_path / "jobs" / "job-1" / "video.mp4",
        captions=ass, caption_changes=change_times(cues), fonts_dir=font.directory,
        on_progress=progress.append,
    )  # fmt: skip

    assert [p.name for p in out.parent.iterdir()] == ["video.mp4"]  # no temp left
    info = probe(out)
    assert info.video is not None
    assert info.audio is not None
    assert (info.video.width, info.video.height, info.video.codec) == (1280, 720, "h264")
    assert info.video.fps == pytest.approx(30)
    assert info.audio.codec == "aac"
    assert info.duration == pytest.approx(timed[-1].end, abs=0.1)
    assert progress[-1] == 1.0
    assert all(s.start <= c.start < c.end <= s.end for c in cues for s in [timed[c.sentence_index]])
    assert srt.read_text().startswith("1\n00:00:00,000 --> ")

    mids = [frame_at(out, (s.start + s.end) / 2).astype(np.int16) for s in timed]
    for a, b in itertools.pairwise(mids):
        assert np.abs(a - b).mean() > 10  # the visuals change between scenes
    early = frame_at(out, 0.2).astype(np.int16)[:360]
    later = frame_at(out, timed[0].end - 0.2).astype(np.int16)[:360]
    assert np.abs(early - later).mean() > 0.5  # the background drifts within a scene
    for frame in mids:
        band, sky = frame[int(720 * 0.75) :], frame[: int(720 * 0.25)]
        assert _white(band) > 500  # caption text in the caption band
        assert _white(sky) == 0  # and nothing white where no caption is


async def test_portrait_webm_with_image_and_video_scenes(
    tmp_path: Path, narration: Narration, clip_maker: Callable[..., Path]
) -> None:
    image = clip_maker(
        tmp_path / "still.png", "-f", "lavfi", "-i", "color=c=red:s=300x200", "-frames:v", "1"
    )
    video = clip_maker(
        tmp_path / "clip.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1",
        "-c:v", "libx264", "-pix_fmt", "yuv420p",
    )  # fmt: skip
    (_, wav0, s0), (_, wav1, s1) = narration[0], narration[1]
    settings = RenderSettings(aspect="9:16", resolution=360, codec="vp9", container="webm")
    out = await render_timeline(
        [Scene(wav0, s0, media=image), Scene(wav1, s1, media=video)],
        settings, tmp_path / "out.webm",
    )  # fmt: skip
    info = probe(out)
    assert info.video is not None
    assert info.audio is not None
    assert (info.video.width, info.video.height, info.video.codec) == (360, 640, "vp9")
    assert info.audio.codec == "opus"
    assert info.duration == pytest.approx(s0 + s1, abs=0.1)
    first = frame_at(out, s0 / 2)
    assert first[..., 0].mean() > 200 > first[..., 2].mean()  # the red still, cropped to fill


async def test_a_failed_render_leaves_nothing_under_the_key(tmp_path: Path) -> None:
    out = tmp_path / "jobs" / "j" / "video.mp4"
    with pytest.raises(FfmpegFailed):
        await render_timeline([Scene(tmp_path / "missing.wav", 1.0)], RenderSettings(), out)
    assert list(out.parent.iterdir()) == []


async def test_held_frames_show_exactly_what_every_frame_would(
    tmp_path: Path, narration: Narration
) -> None:
    """The fast path (stills as held frames, captions burnt once per change) against the
    plain one (every frame through libass): the same picture at every cue's first and
    last frame, including a scene repeated with the same background."""
    font = find_caption_font()
    settings = RenderSettings(resolution=360)
    style = CaptionStyle.for_frame(*settings.size)
    long_text = narration[0][0] + " " + narration[1][0]
    spoken = [(long_text, narration[0][1], narration[0][2]), narration[2], narration[2]]
    timed = _timed(spoken)
    cues = build_cues(timed, font, style)
    assert len(cues) > len(timed)  # some scene holds more than one cue
    ass, _srt = write_captions(cues, font, style, tmp_path)
    still = Background(("#30405a", "#6a8fb0", "#0b1118"), "linear", 3, motion=False)
    scenes = [Scene(wav, seconds, still) for _text, wav, seconds in spoken]
    fast = await render_timeline(
        scenes, settings, tmp_path / "fast.mp4", captions=ass,
        caption_changes=change_times(cues), fonts_dir=font.directory,
    )  # fmt: skip
    plain = await render_timeline(
        scenes, settings, tmp_path / "plain.mp4", captions=ass, fonts_dir=font.directory
    )
    assert probe(fast).duration == pytest.approx(probe(plain).duration, abs=0.01)
    fps = settings.fps
    for cue in cues:
        # The first and last frames of the cue, rounded as change_frames rounds (8.3 * 30
        # is 249.00000000000003 in floats: a plain ceil would pick a frame past the end).
        first, end = (math.ceil(round(t * fps, 6)) for t in (cue.start, cue.end))
        for t in (first / fps, (end - 1) / fps):
            a = frame_at(fast, t + 0.001).astype(np.int16)
            b = frame_at(plain, t + 0.001).astype(np.int16)
            assert np.abs(a - b).mean() < 2.0, f"cue {cue.text!r} at {t:.3f}s"


async def test_cjk_captions_are_drawn_as_glyphs_not_boxes(
    tmp_path: Path, narration: Narration
) -> None:
    """Two different Japanese captions of the same length: as missing-glyph boxes they
    would look the same; drawn with the CJK fallback font they differ."""
    font = find_caption_font()
    assert font.cjk is not None
    settings = RenderSettings(resolution=360)
    style = CaptionStyle.for_frame(*settings.size)
    _text, wav, seconds = narration[0]
    timed = [
        TimedSentence("東京の夜景", 0.0, seconds),
        TimedSentence("一二三四五", seconds, 2 * seconds),
    ]
    cues = build_cues(timed, font, style)
    still = Background(("#30405a", "#6a8fb0", "#0b1118"), "linear", 3, motion=False)
    scenes = [Scene(wav, seconds, still), Scene(wav, seconds, still)]

    async def caption_bands(cjk_family: str | None) -> list[np.ndarray]:
        ass = tmp_path / f"{cjk_family}.ass"
        ass.write_text(to_ass(cues, font.family, style, cjk_family), encoding="utf-8")
        out = await render_timeline(
            scenes, settings, tmp_path / f"{cjk_family}.mp4", captions=ass,
            caption_changes=change_times(cues), fonts_dir=font.directory,
        )  # fmt: skip
        frames = [frame_at(out, (s.start + s.end) / 2).astype(np.int16) for s in timed]
        return [f[int(360 * 0.75) :] for f in frames]

    first, second = await caption_bands(font.cjk.family)
    assert _white(first) > 20  # caption pixels
    assert np.abs(first - second).mean() > 1.0  # two different texts
    boxes_first, boxes_second = await caption_bands(None)
    assert np.abs(boxes_first - boxes_second).mean() < 0.5  # boxes: all alike


async def test_a_held_image_changes_caption_on_the_frame_the_full_path_does(
    tmp_path: Path, narration: Narration, clip_maker: Callable[..., Path]
) -> None:
    """An image's own time base (1/25) must not shift the held frames' times at 30 fps."""
    image = clip_maker(
        tmp_path / "still.png", "-f", "lavfi", "-i", "color=c=green:s=320x200", "-frames:v", "1"
    )
    font = find_caption_font()
    settings = RenderSettings(resolution=360)
    style = CaptionStyle.for_frame(*settings.size)
    text, wav, seconds = narration[0]
    timed = [TimedSentence(text + " " + narration[1][0], 0.0, seconds)]
    cues = build_cues(timed, font, style)
    assert len(cues) > 1
    ass, _srt = write_captions(cues, font, style, tmp_path)
    scenes = [Scene(wav, seconds, media=image)]
    fast = await render_timeline(
        scenes, settings, tmp_path / "fast.mp4", captions=ass,
        caption_changes=change_times(cues), fonts_dir=font.directory,
    )  # fmt: skip
    plain = await render_timeline(
        scenes, settings, tmp_path / "plain.mp4", captions=ass, fonts_dir=font.directory
    )
    fps = settings.fps
    for cue in cues:
        for t in (math.ceil(cue.start * fps) / fps, (math.ceil(cue.end * fps) - 1) / fps):
            a = frame_at(fast, t + 0.001).astype(np.int16)
            b = frame_at(plain, t + 0.001).astype(np.int16)
            assert np.abs(a - b).mean() < 2.0, f"cue {cue.text!r} at {t:.3f}s"
            assert _white(a[int(360 * 0.6) :]) > 20  # the caption is there


async def test_a_cue_time_on_a_frame_is_kept_to_that_frame_by_both_paths(
    tmp_path: Path, clip_maker: Callable[..., Path]
) -> None:
    """3.1 s and 3.7 s are frames 93 and 111 at 30 fps, and both are among the frame times
    ffmpeg's float arithmetic used to hand libass a millisecond early (video_track's
    for_libass): cue B was missed on its first frame (on its whole held stretch in the fast
    path), and a caption ending at 3.7 s was still drawn there. Narration lengths (Piper's
    vary from run to run) put a cue on such a time about one run in twenty."""
    image = clip_maker(
        tmp_path / "still.png", "-f", "lavfi", "-i", "color=c=green:s=320x200", "-frames:v", "1"
    )
    wav = tmp_path / "quiet.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(b"\0\0" * int(22050 * 4.5))
    font = find_caption_font()
    settings = RenderSettings(resolution=360)
    style = CaptionStyle.for_frame(*settings.size)
    cues = [CaptionCue(0.5, 3.1, ("The first caption",), 0),
            CaptionCue(3.1, 3.7, ("Another one",), 0)]
    ass, _srt = write_captions(cues, font, style, tmp_path)
    scenes = [Scene(wav, 4.5, media=image)]
    fast = await render_timeline(
        scenes, settings, tmp_path / "fast.mp4", captions=ass,
        caption_changes=change_times(cues), fonts_dir=font.directory,
    )  # fmt: skip
    plain = await render_timeline(
        scenes, settings, tmp_path / "plain.mp4", captions=ass, fonts_dir=font.directory
    )
    for video in (fast, plain):
        def band(k: int, video: Path = video) -> np.ndarray:
            """The caption's band of frame k."""
            return frame_at(video, k / settings.fps + 0.001)[int(360 * 0.6) :].astype(np.int16)

        def same(x: np.ndarray, y: np.ndarray) -> bool:
            return bool(np.abs(x - y).mean() < 0.2)

        a, b, none = band(60), band(100), band(120)
        assert _white(a) > 20, video.name
        assert _white(b) > 20, video.name
        assert _white(none) == 0, video.name
        assert not same(a, b), video.name  # two different texts
        assert same(band(92), a), video.name  # A up to its end,
        assert same(band(93), b), video.name  # B from its first frame,
        assert same(band(110), b), video.name  # to its last,
        assert same(band(111), none), video.name  # and none from 3.7 s

"""Render settings and the frame arithmetic of a timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from videogen_media.render import Scene, build_render_command, scene_frames
from videogen_media.render_settings import InvalidRenderSettings, RenderSettings
from videogen_media.video_track import change_frames
from videogen_media.visuals import Background


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [("16:9", 720, (1280, 720)), ("9:16", 720, (720, 1280)), ("1:1", 720, (720, 720)),
     ("16:9", 1080, (1920, 1080)), ("9:16", 480, (480, 852))],
)  # fmt: skip
def test_frame_size_follows_aspect_and_short_side(
    aspect: str, resolution: int, size: tuple[int, int]
) -> None:
    assert RenderSettings(aspect=aspect, resolution=resolution).size == size  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"container": "webm", "codec": "h264"},
        {"preset": "warp"},
        {"resolution": 721},
        {"fps": 0},
        {"crf": 52},
    ],
)
def test_impossible_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRenderSettings):
        RenderSettings(**kwargs)  # type: ignore[arg-type]


def test_encoder_options_per_codec() -> None:
    h264 = RenderSettings().encoder_options()
    assert h264["vcodec"] == "libx264"
    assert h264["preset"] == "veryfast"
    assert h264["movflags"] == "+faststart"
    assert h264["acodec"] == "aac"
    vp9 = RenderSettings(codec="vp9", container="webm").encoder_options()
    assert (vp9["vcodec"], vp9["acodec"], vp9["b:v"]) == ("libvpx-vp9", "libopus", 0)
    assert "movflags" not in vp9
    assert RenderSettings(codec="hevc").encoder_options()["tag:v"] == "hvc1"


def test_scene_frames_round_the_running_total() -> None:
    durations = [1.0166, 1.0166, 1.0166, 1.0166, 1.0166, 1.0166]
    frames = scene_frames(durations, 30)
    assert sum(frames) == round(sum(durations) * 30)
    assert abs(sum(frames) / 30 - sum(durations)) <= 1 / 60
    assert scene_frames([0.001, 0.001], 30) == [1, 1]


def test_one_graph_one_output(tmp_path: Path) -> None:
    scenes = [Scene(tmp_path / f"{i}.wav", 1.5) for i in range(3)]
    command = build_render_command(
        scenes, RenderSettings(), tmp_path / "out.mp4", graph_path=tmp_path / "g.txt",
        captions=tmp_path / "c.ass", fonts_dir=tmp_path, ffmpeg_exe="ffmpeg",
    )  # fmt: skip
    assert command.argv.count("-/filter_complex") == 1
    assert command.argv[-1] == str(tmp_path / "out.mp4")
    assert "interleave=nb_inputs=4" in command.graph  # 3 scenes + the end frame
    assert "concat=a=1:n=3:v=0" in command.graph
    assert "ass=" in command.graph
    assert command.duration == pytest.approx(4.5)


def test_held_scenes_send_one_frame_per_caption_change(tmp_path: Path) -> None:
    still = Background(("#102030", "#405060", "#000000"), "linear", 1, motion=False)
    scenes = [Scene(tmp_path / f"{i}.wav", 2.0, still) for i in range(2)]
    command = build_render_command(
        scenes, RenderSettings(), tmp_path / "o.mp4", graph_path=tmp_path / "g.txt",
        captions=tmp_path / "c.ass", caption_changes=[0.0, 0.9, 0.91, 2.0, 3.5, 4.0],
        ffmpeg_exe="ffmpeg",
    )  # fmt: skip
    # Scene 1 shows new frames at 0, 0.9 and 0.91 s (frames 27, 28), scene 2 at 2.0 and
    # 3.5 s; then the end frame.
    assert "interleave=nb_inputs=6" in command.graph
    assert command.graph.count("split=3") == 1
    assert command.graph.count("split=2") == 1
    for frame in (0, 27, 28, 60, 105, 120):
        assert f"setpts=(N+{frame})/(30*TB)" in command.graph


def test_change_frames_round_up() -> None:
    assert change_frames([0.0, 0.9, 0.91, 1.0], 30) == {0, 27, 28, 30}


def test_an_exact_frame_a_target_bitrate_and_no_scene_cuts() -> None:
    settings = RenderSettings(frame=(854, 480), video_bitrate_k=1500, scene_cut=False, fps=120)
    assert settings.size == (854, 480)
    options = settings.encoder_options()
    assert (options["b:v"], options["maxrate"], options["bufsize"]) == ("1500k", "2250k", "3000k")
    assert "crf" not in options
    assert options["sc_threshold"] == 0
    hevc = RenderSettings(codec="hevc", scene_cut=False).encoder_options()
    assert hevc["x265-params"] == "log-level=error:scenecut=0"
    with pytest.raises(InvalidRenderSettings):
        RenderSettings(frame=(853, 480))

"""The render command's pure parts: scene lengths, backgrounds, the one graph, settings.

The export service maps a render request to videogen_media's scenes and settings
(adapters/timeline.py) and renders them with its one-pass, held-frame render.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import msgspec
import pytest
from export_service.adapters.timeline import background_of, render_settings_of, scene_of
from export_service.app.ports import MissingInput
from videogen_contracts.export.events import TimelineClip
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import RenderSettings
from videogen_media.render import build_render_command, scene_frames
from videogen_media.visuals import background_still


def test_scene_lengths_follow_the_running_total() -> None:
    # 0.345 s each would round to 10 frames alone (30 s → 1.0 s over 3 scenes = 31 frames).
    assert scene_frames([0.345, 0.345, 0.345], 30) == [10, 11, 10]
    assert sum(scene_frames([1.3, 0.9, 1.7], 30)) == round(3.9 * 30)


def test_every_scene_gets_at_least_one_frame() -> None:
    assert scene_frames([0.001, 0.001, 1.0], 30) == [1, 1, 28]


def test_a_gradient_is_drawn_from_the_palette_and_seed() -> None:
    spec = ProceduralSpec(style="radial", palette=["#7a1f0e", "#e0642a", "nope"], seed=2**40 + 5)
    source = background_still(background_of(spec), 1280, 720, 30)
    assert source.startswith("gradients=s=1280x720:r=30:")
    assert ":n=2:c0=0x7a1f0e:c1=0xe0642a:seed=5:type=radial:speed=0," in source


@pytest.mark.parametrize("palette", [[], ["bad"], ["#123456"]])
def test_a_thin_palette_still_draws(palette: list[str]) -> None:
    source = background_still(background_of(ProceduralSpec(style="??", palette=palette)), 640,
                              360, 25)  # fmt: skip
    assert ":n=" in source
    assert "type=linear" in source
    assert ":c1=" in source


def test_the_media_services_style_names_are_drawn() -> None:
    assert background_of(ProceduralSpec(style="gradient", palette=[])).style == "linear"
    assert background_of(ProceduralSpec(style="radial", palette=[])).style == "radial"


class PathBlobs:
    """Just enough of the BlobStore port for the mapping: keys as paths under /blobs."""

    def local_path(self, key: str) -> Path:
        if key.startswith("missing"):
            raise MissingInput(key)
        return Path("/blobs") / key


def clip(seconds: float, stock: str | None = None) -> TimelineClip:
    sid = uuid4()
    visual = ChosenVisual(
        sentence_id=sid, keywords=[], kind="stock" if stock else "procedural",
        spec=None if stock else ProceduralSpec(style="gradient", palette=["#000000", "#ffffff"]),
        key=stock,
    )  # fmt: skip
    return TimelineClip(clip_id=sid, text="x", narration_key=f"n/{sid}.wav",
                        duration_s=seconds, visual=visual)  # fmt: skip


def test_one_command_one_graph_with_captions_and_faststart(tmp_path: Path) -> None:
    blobs = PathBlobs()
    clips = [clip(1.0), clip(1.5, "clip.mp4"), clip(0.5, "still.png")]
    scenes = [scene_of(c, blobs) for c in clips]
    assert scenes[1].media == Path("/blobs/clip.mp4")
    assert scenes[0].background is not None
    assert not scenes[0].background.motion  # a still, held
    command = build_render_command(
        scenes, render_settings_of(RenderSettings(preset="veryfast", crf=23)),
        tmp_path / "out.mp4", graph_path=tmp_path / "g.txt", captions=Path("/blobs/c.ass"),
        caption_changes=[0.0, 0.5, 1.0, 2.5, 3.0], fonts_dir=Path("/fonts"), ffmpeg_exe="ffmpeg",
    )  # fmt: skip
    args, graph = command.argv, command.graph
    assert args[0] == "ffmpeg"
    assert args.count("-/filter_complex") == 1
    assert "-filter_complex" not in args
    assert args[args.index("-/filter_complex") + 1] == str(tmp_path / "g.txt")
    assert "interleave=nb_inputs=" in graph  # the pictures, merged in time order
    assert graph.count("concat=") == 1  # the voices
    assert "ass=filename=/blobs/c.ass:fontsdir=/fonts" in graph
    # The held still is one frame per caption change (frames 0 and 15), repeated by fps.
    assert "setpts=(N+0)/(30*TB)" in graph
    assert "setpts=(N+15)/(30*TB)" in graph
    assert "]fps=30[" in graph
    assert "trim=end_frame=45" in graph  # the stock clip cut to its scene
    for flag, value in [("-vcodec", "libx264"), ("-preset", "veryfast"), ("-crf", "23"),
                        ("-acodec", "aac"), ("-movflags", "+faststart"), ("-r", "30"),
                        ("-b:a", "192k")]:  # fmt: skip
        assert args[args.index(flag) + 1] == value
    assert command.duration == 90 / 30
    assert args[-1] == str(tmp_path / "out.mp4")
    assert args[1:5] == ["-hide_banner", "-y", "-loglevel", "error"]


def test_a_missing_input_is_named() -> None:
    with pytest.raises(MissingInput):
        scene_of(clip(1.0, "missing.mp4"), PathBlobs())


def test_the_requests_size_bitrates_and_scene_cuts_reach_the_encoder() -> None:
    settings = render_settings_of(RenderSettings(
        width=854, height=480, codec="hevc", video_bitrate_k=2000, audio_bitrate_k=96,
        scene_cut=False,
    ))  # fmt: skip
    assert settings.size == (854, 480)
    options = settings.encoder_options()
    assert (options["b:v"], options["maxrate"], options["bufsize"]) == ("2000k", "3000k", "4000k")
    assert "crf" not in options
    assert options["b:a"] == "96k"
    assert options["x265-params"] == "log-level=error:scenecut=0"
    x264 = render_settings_of(msgspec.structs.replace(RenderSettings(), scene_cut=False))
    assert x264.encoder_options()["sc_threshold"] == 0
    vp9 = render_settings_of(RenderSettings(codec="vp9", container="webm"))
    assert (vp9.encoder_options()["b:v"], vp9.encoder_options()["crf"]) == (0, 23)

"""The render command's pure parts: scene lengths, backgrounds, the one graph, progress."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from export_service.adapters.ffmpeg_graph import (
    Scene,
    build_command,
    gradient_source,
    scene_frames,
)
from export_service.adapters.ffmpeg_runner import progress_of
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import RenderSettings


def test_scene_lengths_follow_the_running_total() -> None:
    # 0.345 s each would round to 10 frames alone (30 s → 1.0 s over 3 scenes = 31 frames).
    assert scene_frames([0.345, 0.345, 0.345], 30) == [10, 11, 10]
    assert sum(scene_frames([1.3, 0.9, 1.7], 30)) == round(3.9 * 30)


def test_every_scene_gets_at_least_one_frame() -> None:
    assert scene_frames([0.001, 0.001, 1.0], 30) == [1, 1, 28]


def test_a_gradient_is_drawn_from_the_palette_and_seed() -> None:
    spec = ProceduralSpec(style="radial", palette=["#7a1f0e", "#e0642a", "nope"], seed=2**40 + 5)
    source = gradient_source(spec, 1280, 720, 30)
    assert source == (
        "gradients=s=1280x720:r=30:n=2:c0=0x7a1f0e:c1=0xe0642a:speed=0:seed=5:type=radial"
    )


@pytest.mark.parametrize("palette", [[], ["bad"], ["#123456"]])
def test_a_thin_palette_still_draws(palette: list[str]) -> None:
    source = gradient_source(ProceduralSpec(style="??", palette=palette), 640, 360, 25)
    assert ":n=" in source
    assert "type=linear" in source
    assert ":c1=" in source


def scene(frames: int, stock: Path | None = None) -> Scene:
    sid = uuid4()
    visual = ChosenVisual(
        sentence_id=sid, keywords=[], kind="stock" if stock else "procedural",
        spec=None if stock else ProceduralSpec(style="gradient", palette=["#000000", "#ffffff"]),
        key="visuals/x" if stock else None,
    )
    return Scene(narration=Path(f"/blobs/{sid}.wav"), frames=frames, visual=visual, stock=stock)


def test_one_command_one_graph_with_captions_and_faststart(tmp_path: Path) -> None:
    scenes = [scene(30), scene(45, Path("/blobs/clip.mp4")), scene(15, Path("/blobs/still.png"))]
    command = build_command(
        scenes, RenderSettings(preset="veryfast", crf=23), tmp_path / "out.mp4",
        ffmpeg_exe="ffmpeg", graph_path=tmp_path / "g.txt", ass=Path("/blobs/c.ass"),
        fonts_dir=Path("/fonts"),
    )
    args = command.args
    assert args[0] == "ffmpeg"
    assert args.count("-/filter_complex") == 1
    assert "-filter_complex" not in args
    assert args[args.index("-/filter_complex") + 1] == str(tmp_path / "g.txt")
    assert command.graph.count("concat=") == 2  # one for the pictures, one for the voices
    assert "ass=filename=/blobs/c.ass:fontsdir=/fonts" in command.graph
    assert "loop=loop=29:size=1" in command.graph  # a still held for its frames
    assert "trim=end_frame=45" in command.graph  # the stock clip cut to its scene
    for flag, value in [("-vcodec", "libx264"), ("-preset", "veryfast"), ("-crf", "23"),
                        ("-acodec", "aac"), ("-movflags", "+faststart"), ("-r", "30")]:
        assert args[args.index(flag) + 1] == value
    assert command.duration_s == 90 / 30
    assert args[-1] == str(tmp_path / "out.mp4")
    assert args[1:9] == ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
                         "-progress", "pipe:1"]


@pytest.mark.parametrize(
    ("line", "fraction"),
    [
        ("out_time_us=1500000", 0.5),
        ("out_time_ms=3000000", 1.0),
        ("out_time_us=-9223372036854775807", 0.0),
        ("out_time_us=N/A", None),
        ("frame=12", None),
        ("progress=continue", None),
        ("progress=end", 1.0),
    ],
)
def test_progress_lines(line: str, fraction: float | None) -> None:
    assert progress_of(line, 3.0) == fraction

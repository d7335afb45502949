"""`videogen upload|frame|export` end to end: the real `.venv/bin/videogen` process against a
real stack's editor surface (doc 002), with a clip this test makes with ffmpeg.

One flow: a project without a script, a clip uploaded onto its timeline, a frame saved at
2.5 s (the JPEG decodes, has the clip's size and shows the clip's picture at that time), an
export to webm (it decodes: VP9 + Opus, the clip's length), and the refusals on the way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from tests.e2e.cli.conftest import Cli
from tests.e2e.editor.conftest import CLIP_SECONDS, CLIP_SIZE, make_clip
from tests.e2e.text2video_client import decode, frames_at

pytestmark = pytest.mark.slow


def jpeg_pixels(path: Path) -> np.ndarray[Any, Any]:
    container: Any = av.open(str(path))
    with container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="rgb24")  # type: ignore[no-any-return]


def test_a_clip_is_uploaded_a_frame_saved_and_the_timeline_exported_as_webm(
    cli: Cli, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4")
    made = cli.run("project", "new", "--topic", "A test pattern", "--no-script")
    assert made.returncode == 0, made.stderr
    project_id = made.stdout.strip()

    uploaded = cli.run("--json", "upload", project_id, str(clip))
    assert uploaded.returncode == 0, uploaded.stderr
    stored = json.loads(uploaded.stdout)
    assert stored["status"] == "stored"
    assert stored["size_bytes"] == clip.stat().st_size
    shown = json.loads(cli.run("--json", "project", "show", project_id).stdout)
    assert [a["id"] for a in shown["assets"]] == [stored["asset_id"]]
    assert [s["id"] for s in shown["timeline"] if s["active"]] == [stored["segment_id"]]

    jpeg = tmp_path / "f.jpg"
    framed = cli.run("frame", project_id, "2.5", "-o", str(jpeg))
    assert framed.returncode == 0, framed.stderr
    assert framed.stdout.strip() == str(jpeg)
    picture = jpeg_pixels(jpeg)
    assert picture.shape == (CLIP_SIZE[1], CLIP_SIZE[0], 3)
    [source] = frames_at(clip.read_bytes(), [2.5])
    # JPEG is lossy; another time of testsrc2 (its counter, moving band) differs far more.
    assert np.abs(picture.astype(int) - source.astype(int)).mean() < 12

    past_the_end = cli.run("frame", project_id, "99", "-o", str(tmp_path / "x.jpg"))
    assert past_the_end.returncode == 3, past_the_end.stderr
    assert past_the_end.stderr.startswith("error: ")
    assert "ts" in past_the_end.stderr
    assert not (tmp_path / "x.jpg").exists()
    not_a_time = cli.run("frame", project_id, "soon")
    assert not_a_time.returncode == 2
    assert not_a_time.stderr.startswith("error: ")

    webm = tmp_path / "out.webm"
    exported = cli.run("export", project_id, "-f", "webm", "-o", str(webm),
                            within=300)
    assert exported.returncode == 0, exported.stderr
    decoded = decode(webm.read_bytes())
    assert (decoded.video_codec, decoded.audio_codec) == ("vp9", "opus")
    assert (decoded.width, decoded.height) == CLIP_SIZE
    assert decoded.duration_s == pytest.approx(CLIP_SECONDS, abs=0.25)

    bad_format = cli.run("export", project_id, "-f", "avi")
    assert bad_format.returncode == 2
    assert "--format" in bad_format.stderr
    unknown = cli.run("upload", "00000000-0000-0000-0000-000000000000", str(clip))
    assert unknown.returncode == 4, unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


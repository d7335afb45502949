"""Doc 002's previews and colour grades, end to end on the whole stack.

A frame and a strip of the timeline (JPEGs served content-keyed and immutable), the proxy
made after the upload, a grade preview, a grade recorded as a replacement segment whose
media is rendered graded and served with Range, and every bad input the issue lists
(each a problem+json 4xx; an unknown project or segment is a 404 before the body is read).
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import time
from pathlib import Path
from uuid import uuid4

import httpx
import numpy as np
import pytest
from PIL import Image
from videogen_local.stack import Stack
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import probe

from .conftest import CLIP_FPS, CLIP_SECONDS, CLIP_SIZE, UploadClip, ok, problem, project_blobs


async def jpeg(api: httpx.AsyncClient, url: str) -> Image.Image:
    response = await api.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert "immutable" in response.headers["cache-control"]
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def colourfulness(image: Image.Image) -> float:
    rgb = np.asarray(image, dtype=np.float64)
    return float(np.abs(rgb - rgb.mean(axis=2, keepdims=True)).mean())


async def test_a_frame_of_the_timeline_is_a_cacheable_jpeg(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    uploaded = await upload_clip()
    frames = f"/api/project/{uploaded.project_id}/preview/frame"
    first = ok(await api.post(frames, json={"ts": 2.5}))
    assert first["timestamp"] == 2.5
    assert first["frame_url"].startswith(f"/api/editor/files/editor/{uploaded.project_id}/frames/")
    image = await jpeg(api, first["frame_url"])
    assert image.size == CLIP_SIZE  # never scaled up
    assert colourfulness(image) > 10  # testsrc2
    again = ok(await api.post(frames, json={"ts": 2.5 + 0.1 / CLIP_FPS}))  # the same frame
    assert again["frame_url"] == first["frame_url"]
    end = ok(await api.post(frames, json={"ts": CLIP_SECONDS}))  # the end: the last frame
    assert end["frame_url"] != first["frame_url"]
    etag = (await api.get(first["frame_url"])).headers["etag"]
    revalidated = await api.get(first["frame_url"], headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    missing = first["frame_url"].replace("-f", "-f9", 1)
    problem(await api.get(missing), 404)
    problem(await api.get("/api/editor/files/editor/../secrets.key"), 404)


async def test_a_strip_and_the_proxy_made_after_the_upload(
    api: httpx.AsyncClient, stack: Stack, upload_clip: UploadClip
) -> None:
    uploaded = await upload_clip()
    deadline = time.monotonic() + 60
    while not any("/proxies/" in p.as_posix() for p in project_blobs(stack, uploaded.project_id)):
        assert time.monotonic() < deadline, "no proxy was made after the upload"
        await asyncio.sleep(0.2)
    strip = ok(await api.post(f"/api/project/{uploaded.project_id}/preview/strip",
                              json={"start": 1.0, "end": 4.0, "fps": 2}))["frames"]
    assert [f["timestamp"] for f in strip] == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert len({f["frame_url"] for f in strip}) == 6
    thumbnail = await jpeg(api, strip[0]["frame_url"])
    assert thumbnail.size == CLIP_SIZE  # 320 wide already


async def test_grades_preview_then_replace_the_segment_and_its_media_is_graded(
    api: httpx.AsyncClient, upload_clip: UploadClip, tmp_path: Path
) -> None:
    uploaded = await upload_clip()
    original = uploaded.segment_id
    preview = ok(await api.post(f"/api/segment/{original}/grade-preview",
                                json={"saturation": 0.0}))
    # Grey, but for JPEG chroma noise (the ungraded pattern scores over 10).
    assert colourfulness(await jpeg(api, preview["preview_frame_url"])) < 5

    media = await api.get(f"/api/segment/{original}/media")
    assert media.status_code == 200
    assert media.headers["content-type"].startswith("video/mp4")
    graded = ok(await api.post(f"/api/segment/{original}/color-grade",
                               json={"saturation": 0.0, "brightness": 0.05}))
    assert graded["segment_id"] != original
    assert graded["graded_url"] == f"/api/segment/{graded['segment_id']}/media"
    # The replacement is in the read model as the answer comes (its media route finds it).
    clip = await api.get(graded["graded_url"])
    assert clip.status_code == 200, clip.text
    assert clip.headers["content-type"].startswith("video/mp4")
    (tmp_path / "graded.mp4").write_bytes(clip.content)
    assert probe(tmp_path / "graded.mp4").duration == pytest.approx(CLIP_SECONDS, abs=0.2)
    part = await api.get(graded["graded_url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == clip.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(clip.content)}"
    beyond = await api.get(graded["graded_url"], headers={"Range": f"bytes={10**9}-"})
    problem(beyond, 416)

    # What plays is the graded segment now: the timeline's frames are grey too.
    frame = ok(await api.post(f"/api/project/{uploaded.project_id}/preview/frame",
                              json={"ts": 1.0}))
    assert colourfulness(await jpeg(api, frame["frame_url"])) < 5


async def test_timeline_times_follow_the_edits(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    uploaded = await upload_clip()
    frames = f"/api/project/{uploaded.project_id}/preview/frame"

    async def url_at(ts: float) -> str:
        return str(ok(await api.post(frames, json={"ts": ts}))["frame_url"])

    # Frame URLs name what they show, so equal URLs are the same frame of the media.
    before = {ts: await url_at(ts) for ts in (2.0, 7.0, 9.0)}
    split = ok(await api.post(f"/api/segment/{uploaded.segment_id}/split",
                              json={"split_ts": 5.0}))
    ok(await api.post(f"/api/segment/{split['right']['id']}/trim",
                      json={"new_start_ts": 7.0, "new_end_ts": 10.0}))
    # The timeline is now [0, 5) then [7, 10) of the clip: 8 s long.
    assert await url_at(2.0) == before[2.0]
    assert await url_at(5.0) == before[7.0]
    assert await url_at(7.0) == before[9.0]
    problem(await api.post(frames, json={"ts": 9.0}), 400, "ts")
    ok(await api.delete(f"/api/segment/{split['left']['id']}"))
    assert await url_at(0.0) == before[7.0]


@pytest.fixture
def sound(tmp_path: Path) -> bytes:
    """A 2 s tone, audio only."""
    path = tmp_path / "tone.m4a"
    subprocess.run([ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", "sine=d=2",
                    "-c:a", "aac", str(path)], check=True)
    return path.read_bytes()


async def test_a_sound_has_no_frames(
    api: httpx.AsyncClient, upload_clip: UploadClip, sound: bytes
) -> None:
    uploaded = await upload_clip(data=sound)
    refused = problem(await api.post(f"/api/project/{uploaded.project_id}/preview/frame",
                                     json={"ts": 1.0}), 400, "ts")
    assert "no video" in refused["detail"]
    assert "/" not in refused["detail"]  # no path of the server's


async def test_bad_input_is_a_problem_naming_the_field(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    uploaded = await upload_clip()
    project, segment = uploaded.project_id, uploaded.segment_id
    frame, strip = f"/api/project/{project}/preview/frame", f"/api/project/{project}/preview/strip"
    problem(await api.post(frame, json={"ts": -1}), 400, "ts")
    problem(await api.post(frame, json={"ts": CLIP_SECONDS + 1}), 400, "ts")
    problem(await api.post(frame, json={"ts": "soon"}), 400, "ts")
    problem(await api.post(frame, json={"ts": "1.5"}), 400, "ts")  # no lenient conversions
    problem(await api.post(frame, json={}), 400, "ts")
    problem(await api.post(strip, json={"start": 3, "end": 3}), 400, "end")
    problem(await api.post(strip, json={"start": 4, "end": 3}), 400, "end")
    problem(await api.post(strip, json={"start": 0, "end": CLIP_SECONDS + 5}), 400, "end")
    for fps in (0, -1, 1e9):
        problem(await api.post(strip, json={"start": 0, "end": 1, "fps": fps}), 400, "fps")
    # Over the cap (240 frames by default): 10 s at 30 fps is 300.
    problem(await api.post(strip, json={"start": 0, "end": CLIP_SECONDS, "fps": 30}), 400,
            "fps")
    for body, field in (({"saturation": "0.5"}, "saturation"), ({"gamma": 0}, "gamma"),
                        ({"hue_shift": 181}, "hue_shift"), ({"brightness": 2}, "brightness"),
                        ({"contrast": -1}, "contrast"), ({"temperature": True}, "temperature")):
        problem(await api.post(f"/api/segment/{segment}/color-grade", json=body), 400, field)
        problem(await api.post(f"/api/segment/{segment}/grade-preview", json=body), 400, field)
    # Unknown ids are a 404, before the (bad) body is looked at.
    for path in (f"/api/project/{uuid4()}/preview/frame", f"/api/project/{uuid4()}/preview/strip",
                 f"/api/segment/{uuid4()}/color-grade", f"/api/segment/{uuid4()}/grade-preview",
                 "/api/project/not-an-id/preview/frame"):
        problem(await api.post(path, json={"ts": -1, "fps": 0, "gamma": "x"}), 404)
    problem(await api.get(f"/api/segment/{uuid4()}/media"), 404)
    # Nothing was graded by the refused requests: what plays is as colourful as uploaded.
    shown = ok(await api.post(frame, json={"ts": 1.0}))
    assert colourfulness(await jpeg(api, shown["frame_url"])) > 10

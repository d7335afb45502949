"""Issue 11's story, over HTTP against the whole stack, offline: upload a clip, generate
"blur the face" in a box, get three variants, score each against the original, accept the
best, export an mp4, and decode it: the blur is there inside the box and the range, and
nowhere else.

The measures are this test's own (frame_measures.py, numpy only): sharpness is the
variance of the Laplacian of the luma, "unchanged" is SSIM over 8x8 blocks ≥ 0.98 (not
equality: two lossy encodes lie between the original and the exported frame inside the
range, the variant clip's and the export's, and one outside it).
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import CLIP_SIZE, UploadClip, ok
from .frame_measures import Rect, crop, inset, laplacian_variance, luma_at, ssim_outside

JOB_WAIT = 240.0
EXPORT_WAIT = 180.0
START, END = 2.0, 5.0
# The box, normalised (fractions of the frame), and the same box in pixels of the clip.
BOX_FRACTIONS = {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5}
W, H = CLIP_SIZE
BOX: Rect = (W // 4, H // 4, W // 2, H // 2)
# Clear of the feathered edges (a variant's softness is at most this many pixels).
EDGE = 30


async def _until(api: httpx.AsyncClient, path: str, wait: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait
    body: dict[str, Any] = ok(await api.get(path))
    while body["status"] in ("pending", "running") and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        body = ok(await api.get(path))
    return body


def _rating(score: dict[str, Any]) -> float:
    """The number in `overall_rating` ("8.4/10", "8.4", …): what "best" is ranked by."""
    match = re.search(r"\d+(?:\.\d+)?", score["overall_rating"])
    assert match, score
    return float(match.group())


async def _download(api: httpx.AsyncClient, url: str, out: Path) -> Path:
    response = await api.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    await asyncio.to_thread(out.write_bytes, response.content)
    return out


async def test_blur_the_face_story(
    api: httpx.AsyncClient, upload_clip: UploadClip, clip: Path, tmp_path: Path
) -> None:
    uploaded = await upload_clip(name="The AI story")
    pid = uploaded.project_id

    # Generate "blur the face" in a box over 2-5 s: three variants by default.
    started = ok(await api.post("/api/ai/generate", json={
        "project_id": pid, "prompt": "blur the face", "start_ts": START, "end_ts": END,
        "bounding_box": BOX_FRACTIONS,
    }), 202)
    assert started["status"] == "pending"
    job = await _until(api, f"/api/job/{started['job_id']}", JOB_WAIT)
    assert job["status"] == "completed", job
    assert (job["id"], job["project_id"]) == (started["job_id"], pid)
    variants = job["variants"]
    assert len(variants) == 3
    assert len({v["id"] for v in variants}) == 3
    for variant in variants:
        preview = await api.get(variant["preview_url"])
        assert preview.status_code == 200
        assert preview.content[:2] == b"\xff\xd8"  # a JPEG

    # Score each against the original, and accept the best.
    scores = {}
    for variant in variants:
        scored = ok(await api.get(f"/api/variant/{variant['id']}/score",
                                  params={"compare_to": "original"}))
        assert scored["variant_id"] == variant["id"]
        assert set(scored["score"]) >= {
            "overall_rating", "details", "fidelity_to_prompt", "visual_quality"}
        scores[variant["id"]] = _rating(scored["score"])
    best = max(scores, key=lambda vid: scores[vid])
    accepted = await api.post(f"/api/variant/{best}/accept")
    assert accepted.status_code in (200, 201), accepted.text
    timeline = ok(await api.get(f"/api/project/{pid}"))["timeline"]
    playing = [s for s in timeline if s["active"]]
    # A segment's times are its window in its media: the generated one plays the variant's
    # clip (the edited range only) from its start.
    assert [(s["source"], s["start_ts"], s["end_ts"]) for s in playing] == [
        ("upload", 0.0, START), ("generated", 0.0, pytest.approx(END - START, abs=0.05)),
        ("upload", END, pytest.approx(10.0, abs=0.1)),
    ]
    assert playing[1]["variant_id"] == best

    # Export as mp4, download it, and decode it.
    export = ok(await api.post("/api/export", json={"project_id": pid, "format": "mp4"}), 202)
    status = await _until(api, f"/api/export/{export['export_job_id']}", EXPORT_WAIT)
    assert status["status"] == "completed", status
    out = await _download(api, status["download_url"], tmp_path / "story.mp4")
    await asyncio.to_thread(_assert_blurred_only_there, clip, out)


def _assert_blurred_only_there(original: Path, exported: Path) -> None:
    inside, around = inset(BOX, EDGE), inset(BOX, -EDGE)
    for seconds in (2.5, 3.5, 4.5):  # in the range: blurred inside, untouched outside
        before, after = luma_at(original, seconds), luma_at(exported, seconds)
        sharp, blurred = (laplacian_variance(crop(f, inside)) for f in (before, after))
        assert blurred < 0.5 * sharp, (seconds, sharp, blurred)
        assert ssim_outside(before, after, around) >= 0.98, seconds
    for seconds in (1.0, 6.5, 8.5):  # outside the range: the whole frame as it was
        before, after = luma_at(original, seconds), luma_at(exported, seconds)
        sharp, kept = (laplacian_variance(crop(f, inside)) for f in (before, after))
        assert kept > 0.8 * sharp, (seconds, sharp, kept)
        assert ssim_outside(before, after, None) >= 0.98, seconds

"""Designed videos end to end: one per style, plus 9:16 and 1:1, decoded and measured.

The whole stack as processes (real Piper, real ffmpeg and libass): POST /generate with a
style (and an aspect), poll, download, fetch the quality report, then measure the file
itself rather than trusting the report:
- loudness within ±1 LU of the -14 LUFS target and true peak ≤ -1 dBTP (ebur128 on the
  download);
- A/V sync: the audio and video streams end together (within a frame and AAC's priming);
- neighbouring scenes differ: the pHash of a settled frame of each scene (where the report
  says the scenes are) is at least `MIN_NEIGHBOUR_DISTANCE` bits from the next one's;
- the bees/sun/flowers text gets icons whose matched tags say bee (or insect), sun and
  flower (or plant);
- the captions' checks (inside the safe area, no overflow) hold, and the report has every
  section the issue lists.
Bounded: short texts (3 to 4 sentences), six videos.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from PIL import Image
from videogen_local.stack import Stack
from videogen_media import quality
from videogen_media.loudness import measure_loudness

from .text2video_client import Job, decode, frames_at, poll

pytestmark = pytest.mark.slow

BEES = (
    "Honeybees visit flowers in the sun. "
    "The warm sun helps the whole garden grow. "
    "Colourful flowers open their petals."
)
STORIES = {
    "clean": BEES,
    "bold": (
        "Rockets need enormous power to leave the ground. "
        "A launch burns 3 million litres of fuel in minutes. "
        "Engineers compare speed and safety before every flight."
    ),
    "documentary": (
        "The river starts as a trickle high in the mountains. "
        "Farmers along the banks have used the water for centuries. "
        "At last the fresh water meets the salty sea."
    ),
    "playful": (
        "Cats love boxes, paper bags and sunny windows. "
        "A kitten sleeps up to 20 hours a day. "
        "Then it wakes up and chases everything that moves."
    ),
}
FRAMES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)}
SECTIONS = ("loudness", "word_timing", "captions", "scenes", "languages", "av_sync", "timings")


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def _make(
    api: httpx.AsyncClient, text: str, style: str, aspect: str = "16:9"
) -> tuple[Job, bytes, quality.QualityReport]:
    response = await api.post("/generate", json={"text": text, "style": style, "aspect": aspect})
    assert response.status_code == 202, response.text
    job = await poll(api, Job(response.json()["job_id"]))
    assert job.last["status"] == "completed", job.last
    video = await api.get(f"/download/{job.id}")
    assert video.status_code == 200, video.text
    report = await api.get(f"/jobs/{job.id}/report")
    assert report.status_code == 200, report.text
    return job, video.content, quality.decode_report(report.content)


def _stream_ends(data: bytes) -> tuple[float, float]:
    """(video, audio) ends, decoded: the last frame's end, not what a header says."""
    video_end = audio_end = 0.0
    container: Any = av.open(io.BytesIO(data))
    with container:
        for frame in container.decode(video=0, audio=0):
            if frame.pts is None or frame.time_base is None:
                continue
            start = float(frame.pts * frame.time_base)
            if isinstance(frame, av.AudioFrame):
                audio_end = max(audio_end, start + frame.samples / frame.sample_rate)
            else:
                video_end = max(video_end, start + 1 / 30)
    return video_end, audio_end


def _scene_hashes(data: bytes, starts: list[float]) -> list[int]:
    # Late in each scene: its layers have entered, the next transition has not begun.
    times = [a + 0.7 * (b - a) for a, b in itertools.pairwise(starts)]
    frames = frames_at(data, times)
    assert len(frames) == len(times)
    return [quality.phash(Image.fromarray(f)) for f in frames]


async def _measure(tmp_path: Path, name: str, data: bytes) -> quality.LoudnessReport:
    path = tmp_path / f"{name}.mp4"
    path.write_bytes(data)
    measured = await measure_loudness(path)
    return quality.LoudnessReport(
        integrated_lufs=measured.integrated_lufs, true_peak_dbtp=measured.true_peak_dbtp,
        target_lufs=-14.0,
    )


def _check_report(report: quality.QualityReport, sentences: int) -> None:
    raw: dict[str, Any] = {f: getattr(report, f) for f in SECTIONS}
    assert all(value is not None for value in raw.values()), raw
    assert report.scenes is not None
    assert report.scenes.count == sentences
    assert report.captions is not None
    assert report.captions.inside_safe_area, report.captions
    assert report.captions.no_overflow, report.captions
    assert report.word_timing is not None
    assert sum(report.word_timing.sources.values()) == sentences
    assert report.languages
    assert report.languages[0].language == "en"
    assert report.timings.narration_s is not None
    assert report.timings.join_s is not None


@pytest.mark.parametrize("style", list(STORIES))
async def test_one_video_per_style(
    api: httpx.AsyncClient, style: str, tmp_path: Path
) -> None:
    text = STORIES[style]
    job, data, report = await _make(api, text, style)
    info = decode(data)
    assert (info.width, info.height) == FRAMES["16:9"]
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    _check_report(report, 3)
    assert report.scenes is not None
    assert report.scenes.style == style

    loud = await _measure(tmp_path, job.id, data)
    assert abs(loud.integrated_lufs - -14.0) <= 1.0, loud
    assert loud.true_peak_dbtp <= -1.0 + 0.1, loud  # AAC decoding adds a hair
    video_s, audio_s = _stream_ends(data)
    assert abs(video_s - audio_s) <= 1 / 30 + 0.05, (video_s, audio_s)

    hashes = _scene_hashes(data, report.scenes.starts_s)
    gaps = quality.neighbour_distances(hashes)
    assert min(gaps) >= quality.MIN_NEIGHBOUR_DISTANCE, gaps
    if style == "clean":
        tags = {t.lower() for scene in report.scenes.icon_tags for t in scene}
        words = " ".join(sorted(tags))
        assert "bee" in words or "insect" in words, tags
        assert "sun" in words, tags
        assert "flower" in words or "plant" in words or "seedling" in words, tags


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
async def test_other_aspects(api: httpx.AsyncClient, aspect: str, tmp_path: Path) -> None:
    job, data, report = await _make(api, BEES, "playful", aspect)
    info = decode(data)
    assert (info.width, info.height) == FRAMES[aspect]
    _check_report(report, 3)
    assert report.captions is not None
    if aspect == "9:16":
        # The shorts style by default: a few words at a time, large and centred.
        assert report.captions.style == "word_by_word", report.captions
    loud = await _measure(tmp_path, job.id, data)
    assert abs(loud.integrated_lufs - -14.0) <= 1.0, loud
    assert report.scenes is not None
    gaps = quality.neighbour_distances(_scene_hashes(data, report.scenes.starts_s))
    assert min(gaps) >= quality.MIN_NEIGHBOUR_DISTANCE, gaps

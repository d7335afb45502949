"""The media service's previews on a real blob directory: frames cached by content and read
from the proxy once it exists, segment clips rendered once, and the proxy job idempotent."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from media_service.app.preview_keys import proxy_key
from media_service.app.previews import Previews
from media_service.workers.proxies import ProxyJob
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.errors import Invalid, NotFound
from videogen_contracts.media.editing import AssetStored, ColorGrade, MediaStream
from videogen_contracts.media.editing_commands import FrameAt, PreviewFrames, SegmentMedia
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.frames import video_facts
from videogen_media.probe import probe

PROJECT = uuid.uuid4()
SECONDS = 4


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture
def media_key(blobs: LocalBlobStore, tmp_path: Path) -> str:
    clip = tmp_path / "upload.mp4"
    subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-f", "lavfi",
         "-i", f"testsrc2=s=320x180:r=25:d={SECONDS}", "-f", "lavfi", "-i", f"sine=d={SECONDS}",
         "-shortest", "-c:v", "libx264",
         "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)],
        check=True,
    )
    key = f"editor/{PROJECT}/assets/{hashlib.sha256(clip.read_bytes()).hexdigest()}"
    blobs.write_file(key, clip)
    return key


def _stored(media_key: str) -> RecordedEvent:
    stored = AssetStored(
        asset_id=uuid.uuid4(), project_id=PROJECT, blob_key=media_key,
        sha256=media_key.rpartition("/")[2], size_bytes=1, duration_s=SECONDS,
        streams=[MediaStream(kind="video", codec="h264", width=320, height=180, fps=25.0)],
        segment_id=uuid.uuid4(), stored_at=datetime.now(UTC),
    )
    return RecordedEvent(
        service="media", global_position=1, transaction_id=1, stream_id="asset-x",
        stream_version=1, event_id=uuid.uuid4(), type="AssetStored", schema_version=1,
        data=msgspec.Raw(msgspec.json.encode(stored)),
        metadata=EventMetadata(correlation_id="c-1", project_id=str(PROJECT)),
        recorded_at=datetime.now(UTC),
    )


async def test_frames_are_cached_by_content_under_the_project(
    blobs: LocalBlobStore, media_key: str
) -> None:
    previews = Previews(blobs)
    grade = ColorGrade(saturation=0.0)
    asked = PreviewFrames(frames=[
        FrameAt(media_key=media_key, ts=1.0), FrameAt(media_key=media_key, ts=1.01),
        FrameAt(media_key=media_key, ts=1.0, max_width=100),
        FrameAt(media_key=media_key, ts=1.0, grade=grade),
        FrameAt(media_key=media_key, ts=99.0, max_width=4000),
    ])
    keys = (await previews.frames(asked)).keys
    assert all(key.startswith(f"editor/{PROJECT}/frames/") for key in keys)
    assert keys[0] == keys[1]  # the same frame (1.0 s and 1.01 s at 25 fps)
    assert len(set(keys)) == 4
    # Clamped: the last frame, and never wider than the video.
    assert "-f99-" in keys[4]
    assert "-w320-" in keys[4]
    made = {key: blobs.path_of(key).stat().st_mtime_ns for key in keys}
    assert (await previews.frames(asked)).keys == keys
    assert {key: blobs.path_of(key).stat().st_mtime_ns for key in keys} == made


async def test_bad_queries_are_typed_errors(blobs: LocalBlobStore, media_key: str) -> None:
    previews = Previews(blobs)
    with pytest.raises(NotFound):
        await previews.frames(PreviewFrames(frames=[FrameAt(media_key=f"{media_key}0", ts=0)]))
    with pytest.raises(Invalid):
        await previews.frames(PreviewFrames(frames=[FrameAt(media_key="x/y", ts=0)]))
    with pytest.raises(Invalid):
        await previews.segment_media(SegmentMedia(media_key=media_key, start_ts=2, end_ts=1))


async def test_the_proxy_job_makes_the_proxy_once_and_previews_read_it(
    blobs: LocalBlobStore, media_key: str
) -> None:
    job = ProxyJob(blobs)
    await job(_stored(media_key), Delivery(1, 5))
    proxy = blobs.path_of(proxy_key(media_key))
    made = proxy.stat().st_mtime_ns
    assert video_facts(proxy).width == 320
    await job(_stored(media_key), Delivery(2, 5))  # a redelivery: already done
    assert proxy.stat().st_mtime_ns == made
    keys = (await Previews(blobs).frames(
        PreviewFrames(frames=[FrameAt(media_key=media_key, ts=t / 2) for t in range(6)])
    )).keys
    assert len(set(keys)) == 6
    assert all(blobs.path_of(key).stat().st_size > 1000 for key in keys)


async def test_no_proxy_is_made_for_an_upload_deleted_since(
    blobs: LocalBlobStore, media_key: str
) -> None:
    await blobs.delete_prefix(f"editor/{PROJECT}/")
    await ProxyJob(blobs)(_stored(media_key), Delivery(1, 5))
    assert not await blobs.exists(proxy_key(media_key))


async def test_a_segment_is_its_media_when_whole_and_ungraded_else_a_clip_made_once(
    blobs: LocalBlobStore, media_key: str
) -> None:
    previews = Previews(blobs)
    whole = await previews.segment_media(
        SegmentMedia(media_key=media_key, start_ts=0, end_ts=SECONDS)
    )
    assert (whole.key, whole.media_type) == (media_key, "video/mp4")
    window = SegmentMedia(media_key=media_key, start_ts=1.0, end_ts=2.5)
    clip = await previews.segment_media(window)
    assert clip.key.startswith(f"editor/{PROJECT}/segments/")
    assert probe(blobs.path_of(clip.key)).duration == pytest.approx(1.5, abs=0.1)
    made = blobs.path_of(clip.key).stat().st_mtime_ns
    assert await previews.segment_media(window) == clip
    assert blobs.path_of(clip.key).stat().st_mtime_ns == made
    graded = await previews.segment_media(
        SegmentMedia(media_key=media_key, start_ts=0, end_ts=SECONDS, grade=ColorGrade(gamma=2))
    )
    assert graded.key not in (media_key, clip.key)
    assert probe(blobs.path_of(graded.key)).duration == pytest.approx(SECONDS, abs=0.1)

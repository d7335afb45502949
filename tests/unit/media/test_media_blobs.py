"""LocalBlobStore: keys, atomic writes, and a writer killed -9 before its rename."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from videogen_media.blobs import BlobNotFound, BlobStore, InvalidBlobKey, LocalBlobStore


async def test_put_get_exists_and_delete_prefix(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    assert isinstance(store, BlobStore)
    await store.put_bytes("jobs/a/captions.srt", b"1\n")
    source = tmp_path / "video.mp4"
    source.write_bytes(b"\x00" * 3_000_000)
    await store.put_file("jobs/a/video.mp4", source)
    await store.put_bytes("jobs/b/video.mp4", b"other")
    assert await store.exists("jobs/a/video.mp4")
    assert await store.get_bytes("jobs/a/captions.srt") == b"1\n"
    path = await store.get_path("jobs/a/video.mp4")
    assert path.stat().st_size == 3_000_000
    assert await store.delete_prefix("jobs/a/") == 2
    assert not await store.exists("jobs/a/video.mp4")
    assert await store.get_bytes("jobs/b/video.mp4") == b"other"
    with pytest.raises(BlobNotFound):
        await store.get_path("jobs/a/video.mp4")


async def test_overwrite_replaces_whole_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    await store.put_bytes("k/v", b"first version, long")
    await store.put_bytes("k/v", b"second")
    assert await store.get_bytes("k/v") == b"second"
    assert [p.name for p in (tmp_path / "k").iterdir()] == ["v"]  # no temp left behind


@pytest.mark.parametrize(
    "key", ["", "/abs", "a/../b", "a//b", "./a", "a\\b", "a/.v.tmp-1", "..", "a/"]
)
async def test_bad_keys_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidBlobKey):
        await LocalBlobStore(tmp_path).put_bytes(key, b"x")


def test_a_writer_killed_before_its_rename_leaves_no_blob(tmp_path: Path) -> None:
    # The child dies by SIGKILL at the worst moment: all bytes written and flushed,
    # fsync reached, rename not yet done. The final key must not exist.
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from pathlib import Path
        from videogen_media.blobs import LocalBlobStore
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
        asyncio.run(LocalBlobStore(Path({str(tmp_path)!r})).put_bytes("jobs/x/video.mp4",
                    b"y" * 5_000_000))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL
    store = LocalBlobStore(tmp_path)
    assert not (tmp_path / "jobs/x/video.mp4").exists()
    leftovers = os.listdir(tmp_path / "jobs/x")
    assert len(leftovers) == 1
    assert ".tmp-" in leftovers[0]  # a temp name no key can name
    with pytest.raises(InvalidBlobKey):
        store.path_of(f"jobs/x/{leftovers[0]}")


def test_a_scratch_file_moves_in_under_its_key(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    scratch = store.scratch_path(".mp4")
    assert scratch.parent == tmp_path / ".scratch"
    scratch.write_bytes(b"encoded")
    store.move_in("videos/v.mp4", scratch)
    assert not scratch.exists()
    assert store.path_of("videos/v.mp4").read_bytes() == b"encoded"
    store.write_file("videos/v.srt", store.path_of("videos/v.mp4"))  # a copy, blocking
    assert store.path_of("videos/v.srt").read_bytes() == b"encoded"
    with pytest.raises(InvalidBlobKey):
        store.path_of(".scratch/x")  # no key names a scratch file


async def test_delete_prefix_walks_only_its_directory_and_drops_it_when_empty(
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(tmp_path)
    await store.put_bytes("narration/p1/a.wav", b"a")
    await store.put_bytes("narration/p1/b.wav", b"b")
    await store.put_bytes("narration/p2/a.wav", b"c")
    await store.put_bytes("captions/p1.ass", b"d")
    await store.put_bytes("captions/p10.ass", b"e")
    assert await store.delete_prefix("narration/p1/") == 2
    assert not (tmp_path / "narration" / "p1").exists()
    assert await store.delete_prefix("captions/p1.") == 1
    assert await store.exists("captions/p10.ass")
    assert await store.exists("narration/p2/a.wav")
    assert await store.delete_prefix("missing/dir/") == 0

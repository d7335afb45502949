"""The editor's upload pieces without a server: tokens, the streaming receiver, multipart."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.editor.upload_bodies import boundary_of, multipart_field
from videogen_gateway.surfaces.editor.upload_tokens import KEY_FILE, UploadTokens
from videogen_gateway.surfaces.editor.uploads import (
    FLUSH_BYTES,
    ContentRange,
    Interrupted,
    PartialFile,
    Receiver,
    content_range,
    partial_key,
    received_range,
)
from videogen_media.blobs import LocalBlobStore

PID, AID = uuid4(), uuid4()
DATA = bytes(range(256)) * 4096  # 1 MiB, not one repeated byte


async def chunks(data: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at:at + size]


async def broken(data: bytes, after: int) -> AsyncIterator[bytes]:
    """A client that goes away after `after` bytes."""
    async for chunk in chunks(data[:after]):
        yield chunk
    raise Interrupted


def refused(status: int, field: str | None = None) -> pytest.RaisesExc[ApiError]:
    return pytest.raises(ApiError, check=lambda e: e.status == status and (
        field is None or e.field == field))


# --- tokens -------------------------------------------------------------------------------


def test_a_token_lets_its_own_asset_in_until_it_expires() -> None:
    tokens = UploadTokens(b"k" * 32, ttl=3600)
    token = tokens.issue(PID, AID, now=1000.0)
    tokens.check(token, PID, AID, now=4599.0)
    with refused(403, "token") as caught:
        tokens.check(token, PID, AID, now=4600.0)
    assert "expired" in caught.value.detail


@pytest.mark.parametrize(("project", "asset", "words"), [
    (uuid4(), AID, "another project"), (PID, uuid4(), "another asset"),
])
def test_a_token_of_another_project_or_asset_is_refused(
    project: UUID, asset: UUID, words: str
) -> None:
    tokens = UploadTokens(b"k" * 32, ttl=3600)
    with refused(403) as caught:
        tokens.check(tokens.issue(project, asset, 0.0), PID, AID, now=1.0)
    assert words in caught.value.detail


def test_forged_missing_and_malformed_tokens_are_refused() -> None:
    tokens = UploadTokens(b"k" * 32, ttl=3600)
    mine = tokens.issue(PID, AID, 0.0)
    payload, _, _ = mine.rpartition(".")
    later = f"{PID.hex}.{AID.hex}.99999999999"
    forged = [
        f"{payload}.AAAA", UploadTokens(b"x" * 32, 3600).issue(PID, AID, 0.0),
        f"{later}.{mine.rpartition('.')[2]}",  # a longer life, under the old signature
    ]
    for token in [*forged, None, "", "abc", "a.b.c.d"]:
        with refused(403, "token"):
            tokens.check(token, PID, AID, now=1.0)


def test_the_key_is_made_once_in_the_data_dir(tmp_path: Path) -> None:
    token = UploadTokens.from_option(None, tmp_path, 60).issue(PID, AID, 0.0)
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    UploadTokens.from_option(None, tmp_path, 60).check(token, PID, AID, 1.0)
    with refused(403):
        UploadTokens.from_option("configured", tmp_path, 60).check(token, PID, AID, 1.0)


# --- Content-Range ------------------------------------------------------------------------


def test_content_ranges_are_parsed() -> None:
    assert content_range(None) is None
    assert content_range("bytes 0-99/1000") == ContentRange(0, 99, 1000)
    assert content_range("bytes 100-199/*") == ContentRange(100, 199, None)
    assert content_range("bytes */1000") == ContentRange(None, None, 1000)
    for bad in ("bytes 5-1/10", "bytes 0-10/10", "items 0-1/2", "bytes 0-/9", "bytes=0-1/2"):
        with refused(400, "Content-Range"):
            content_range(bad)
    assert received_range(0) == {}
    assert received_range(10) == {"Range": "bytes=0-9"}


# --- the receiver -------------------------------------------------------------------------


@pytest.fixture
def receiver(tmp_path: Path) -> Receiver:
    return Receiver(LocalBlobStore(tmp_path / "blobs"), limit=3 * len(DATA))


def partial_of(receiver: Receiver) -> Path:
    return receiver.blobs.path_of(partial_key(PID, AID))


async def test_a_whole_upload_is_hashed_and_stored_by_content(receiver: Receiver) -> None:
    got = await receiver.whole(PID, AID, chunks(DATA), declared=len(DATA))
    assert got.size == len(DATA)
    assert got.sha256 == hashlib.sha256(DATA).hexdigest()
    key = await receiver.store(PID, AID, got.sha256)
    assert key == f"editor/{PID}/assets/{got.sha256}"
    assert receiver.blobs.path_of(key).read_bytes() == DATA
    assert not partial_of(receiver).exists()
    # The same bytes again, as another asset: stored once, the second partial gone.
    other = uuid4()
    again = await receiver.whole(PID, other, chunks(DATA), declared=None)
    assert await receiver.store(PID, other, again.sha256 or "") == key
    assert sorted(p.name for p in receiver.blobs.path_of(key).parent.iterdir()) == [got.sha256]
    assert not receiver.blobs.path_of(partial_key(PID, other)).exists()


async def test_an_interrupted_put_resumes_where_it_stopped(receiver: Receiver) -> None:
    total = len(DATA)
    with pytest.raises(Interrupted):
        await receiver.whole(PID, AID, broken(DATA, 300_000), declared=total)
    assert partial_of(receiver).stat().st_size == 300_000
    # How far did it get?
    asked = await receiver.piece(PID, AID, chunks(b""), ContentRange(None, None, total), 0)
    assert (asked.size, asked.sha256) == (300_000, None)
    # A client may resend from a little before: the overlap is skipped, not written twice.
    middle = ContentRange(250_000, 699_999, total)
    got = await receiver.piece(PID, AID, chunks(DATA[250_000:700_000]), middle, 450_000)
    assert (got.size, got.sha256) == (700_000, None)
    last = ContentRange(700_000, total - 1, total)
    done = await receiver.piece(PID, AID, chunks(DATA[700_000:]), last, None)
    assert done == (type(done))(total, hashlib.sha256(DATA).hexdigest())
    assert partial_of(receiver).read_bytes() == DATA


async def test_a_gap_or_a_mismatched_length_is_refused(receiver: Receiver) -> None:
    first = ContentRange(0, 99, 1000)
    await receiver.piece(PID, AID, chunks(DATA[:100]), first, 100)
    with refused(416, "Content-Range"):
        await receiver.piece(PID, AID, chunks(DATA[200:300]), ContentRange(200, 299, 1000), 100)
    with refused(400, "Content-Length"):
        await receiver.piece(PID, AID, chunks(DATA[100:200]), ContentRange(100, 199, 1000), 50)
    assert partial_of(receiver).stat().st_size == 100  # nothing changed


async def test_past_the_limit_is_413_and_leaves_nothing(receiver: Receiver) -> None:
    too_big = receiver.limit + 1
    with refused(413):  # announced: refused before a byte is read
        await receiver.whole(PID, AID, chunks(b""), declared=too_big)
    with refused(413):  # not announced (chunked, or multipart): refused when it gets there
        await receiver.whole(PID, AID, chunks(DATA * 4), declared=None)
    assert not partial_of(receiver).exists()
    with refused(413):
        await receiver.piece(PID, AID, chunks(b""), ContentRange(0, 9, too_big), 10)


async def test_more_bytes_than_announced_is_400_and_rolls_back(receiver: Receiver) -> None:
    await receiver.piece(PID, AID, chunks(DATA[:100]), ContentRange(0, 99, None), None)
    with refused(400, "Content-Length"):
        await receiver.piece(PID, AID, chunks(DATA[100:300]), ContentRange(100, 199, None), None)
    assert partial_of(receiver).stat().st_size == 100


async def test_two_writers_of_one_asset_do_not_interleave(receiver: Receiver) -> None:
    gate = asyncio.Event()

    async def slow() -> AsyncIterator[bytes]:
        yield DATA[:10]
        await gate.wait()

    first = asyncio.create_task(receiver.whole(PID, AID, slow(), declared=None))
    await asyncio.sleep(0.05)
    with refused(409):
        await receiver.whole(PID, AID, chunks(DATA), declared=None)
    gate.set()
    assert (await first).size == 10


async def test_memory_holds_one_buffer_not_the_file(tmp_path: Path) -> None:
    partial = await PartialFile.open(tmp_path / "p", fresh=True)
    for _ in range(5):
        await partial.write(b"x" * (FLUSH_BYTES // 2 + 1))
        assert len(partial._buffer) <= FLUSH_BYTES
    await partial.close()
    assert (tmp_path / "p").stat().st_size == 5 * (FLUSH_BYTES // 2 + 1)


# --- multipart ----------------------------------------------------------------------------


def form(parts: Iterable[tuple[str, bytes]], boundary: str = "b0undary") -> bytes:
    out = b""
    for name, value in parts:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\";"
                f" filename=\"{name}.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


async def collected(body: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in body])


async def test_the_file_field_is_streamed_out_of_a_form() -> None:
    body = form([("note", b"hello"), ("file", DATA), ("file", b"ignored")])
    boundary = boundary_of('multipart/form-data; boundary="b0undary"')
    assert await collected(multipart_field(chunks(body, 1000), boundary)) == DATA


async def test_a_form_without_the_file_or_broken_is_400() -> None:
    with refused(400, "file"):
        await collected(multipart_field(chunks(form([("other", b"x")])), "b0undary"))
    with refused(400, "file"):
        await collected(multipart_field(chunks(form([("file", DATA)])[:5000]), "b0undary"))
    with refused(415, "Content-Type"):
        boundary_of("application/json")

"""store_upload on real PostgreSQL with the real probe: stored with its segment as one unit,
or rejected with the reason (and answered `Invalid`); the same file twice is one blob."""

from __future__ import annotations

import pytest
from media_service.app.editing import ASSET
from media_service.domain.timeline import active_in_order
from videogen_contracts.errors import Invalid

from .conftest import Editor


async def test_a_clip_is_stored_and_appended_whole(editor: Editor, clip: bytes) -> None:
    command, reply = await editor.upload(clip)
    assert reply.stream_id == f"timeline-{editor.project_id}"
    stored, _ = await editor.handlers.streams.load(ASSET, command.asset_id)
    assert stored.status == "stored"
    [segment] = active_in_order(await editor.timeline())
    assert segment.segment_id == command.segment_id
    assert segment.media_key == command.blob_key
    assert segment.start_ts == 0.0
    assert segment.end_ts == pytest.approx(3.0, abs=0.1)


async def test_a_resent_store_upload_is_answered_from_its_first_result(
    editor: Editor, clip: bytes
) -> None:
    command, first = await editor.upload(clip)
    again = await editor.handlers.store_upload(command, correlation_id="retry")
    assert again.duplicate
    assert again.stream_version == first.stream_version
    assert len((await editor.timeline()).order) == 1


async def test_the_same_file_twice_is_two_segments_on_one_blob(
    editor: Editor, clip: bytes
) -> None:
    first, _ = await editor.upload(clip)
    second, _ = await editor.upload(clip)
    assert first.blob_key == second.blob_key
    assert first.asset_id != second.asset_id
    segments = active_in_order(await editor.timeline())
    assert [s.segment_id for s in segments] == [first.segment_id, second.segment_id]
    assert len(list(editor.blobs.root.rglob("*"))) == 4  # editor/<pid>/assets/<sha>, dirs


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"just some text, renamed to clip.mp4\n" * 50, "not a readable"),
    (b"\x00\x01garbage" * 1000, "not a readable"),
])
async def test_unusable_files_are_rejected_and_reach_no_timeline(
    editor: Editor, content: bytes, reason: str
) -> None:
    with pytest.raises(Invalid) as refused:
        await editor.upload(content)
    assert refused.value.field == "file"
    assert reason in refused.value.message
    assert (await editor.timeline()).order == ()


async def test_a_truncated_clip_is_rejected(editor: Editor, clip: bytes) -> None:
    # Without its end, an mp4 whose index (moov) comes last cannot be opened.
    with pytest.raises(Invalid) as refused:
        await editor.upload(clip[: len(clip) // 2])
    assert "not a readable" in refused.value.message


async def test_a_resent_rejected_upload_gets_the_same_answer(editor: Editor) -> None:
    with pytest.raises(Invalid):
        await editor.upload(b"not media at all", command_id="store-once")
    events = await editor.handlers.streams.store.read_stream(f"timeline-{editor.project_id}")
    assert events == []

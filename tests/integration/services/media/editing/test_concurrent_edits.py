"""Concurrent edits of one timeline on real PostgreSQL: every edit of a different segment
applies (one after the other, by the kernel's reload-and-decide-again), and of edits of
the same segment exactly one applies while the others get a Conflict naming what happened
to it. Never a lost update."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from media_service.app.editing import SegmentEdit
from media_service.domain.timeline import active_in_order
from videogen_contracts.errors import Conflict
from videogen_contracts.media.editing_commands import SplitSegment, TrimSegment
from videogen_contracts.replies import CommandAccepted

from .conftest import Editor


def split(editor: Editor, segment_id: uuid.UUID, at: float) -> SplitSegment:
    return SplitSegment(command_id=str(uuid.uuid4()), now=datetime.now(UTC),
                        project_id=editor.project_id, segment_id=segment_id, split_ts=at,
                        left_id=uuid.uuid4(), right_id=uuid.uuid4())


async def test_concurrent_splits_of_one_segment_one_applies_the_others_conflict(
    editor: Editor, clip: bytes
) -> None:
    upload, _ = await editor.upload(clip)
    commands = [split(editor, upload.segment_id, 0.5 + 0.2 * i) for i in range(6)]
    outcomes = await asyncio.gather(
        *(editor.handlers.edit(c, correlation_id="race") for c in commands),
        return_exceptions=True,
    )
    applied = [o for o in outcomes if isinstance(o, CommandAccepted)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(applied) == 1
    assert len(refused) == 5
    assert all("inactive (it was split)" in c.message for c in refused)
    timeline = await editor.timeline()
    assert len(timeline.order) == 3  # the original, then one left and one right


async def test_concurrent_edits_of_different_segments_all_apply(
    editor: Editor, clip: bytes
) -> None:
    uploads = [(await editor.upload(clip))[0] for _ in range(4)]
    trims = [
        TrimSegment(command_id=str(uuid.uuid4()), now=datetime.now(UTC),
                    project_id=editor.project_id, segment_id=u.segment_id,
                    start_ts=0.1 * (i + 1), end_ts=2.0)
        for i, u in enumerate(uploads)
    ]
    splits = [split(editor, u.segment_id, 2.5) for u in uploads]
    # Four edits of four segments at once, all on the one timeline stream.
    edits: list[SegmentEdit] = [*trims[:2], *splits[2:]]
    outcomes = await asyncio.gather(
        *(editor.handlers.edit(c, correlation_id="race") for c in edits),
    )
    assert all(isinstance(o, CommandAccepted) and not o.duplicate for o in outcomes)
    versions = sorted(o.stream_version for o in outcomes)
    assert versions == list(range(versions[0], versions[0] + 4))  # one after the other
    timeline = await editor.timeline()
    active = active_in_order(timeline)
    assert [(round(s.start_ts, 6), s.end_ts) for s in active[:2]] == [(0.1, 2.0), (0.2, 2.0)]
    assert len(active) == 6  # two trimmed, two split in two

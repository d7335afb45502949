"""The editor's preview queries on NATS request/reply (EDITOR_QUERIES): they change
nothing and record no event, so a resent query is always safe."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.media.editing_commands import EDITOR_QUERIES

from media_service.app.previews import Previews


def preview_queries(previews: Previews) -> dict[str, CommandHandler]:
    return endpoints(
        EDITOR_QUERIES,
        queries={"preview_frames": previews.frames, "segment_media": previews.segment_media},
    )

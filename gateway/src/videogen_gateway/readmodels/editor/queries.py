"""Reads of the editor read models: a segment, a project's assets, its timeline in order."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from videogen_gateway.readmodels.editor.rows import AssetRow, SegmentRow
from videogen_gateway.readmodels.queries import Queries, columns

_SEGMENT_COLUMNS = ", ".join(
    f"s.{name}" for name in SegmentRow.__struct_fields__ if name != "order_index"
)


class EditorQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        # Counted at read time, so a split or a delete changes no other row's number.
        segments = (
            f"SELECT {_SEGMENT_COLUMNS}, (SELECT count(*) FROM {q}.editor_segments b"
            " WHERE b.project_id = s.project_id AND b.active AND b.position < s.position)"
            f"::int AS order_index FROM {q}.editor_segments s WHERE {self.alive('s.project_id')}"
        )
        self._segment = f"{segments} AND s.id = $1"
        self._timeline = f"{segments} AND s.project_id = $1 ORDER BY s.position"
        self._playing = f"{segments} AND s.project_id = $1 AND s.active ORDER BY s.position"
        self._assets = (
            f"SELECT {columns(AssetRow)} FROM {q}.editor_assets a"
            f" WHERE a.project_id = $1 AND {self.alive('a.project_id')}"
            " ORDER BY a.created_at, a.id"
        )
        self._asset = (
            f"SELECT {columns(AssetRow)} FROM {q}.editor_assets a"
            f" WHERE a.id = $1 AND {self.alive('a.project_id')}"
        )

    async def segment(self, segment_id: UUID) -> SegmentRow | None:
        """A segment, active or not (None once its project is deleted)."""
        return await self.one(self._segment, SegmentRow.of, segment_id)

    async def segments_of(self, project_id: UUID) -> list[SegmentRow]:
        """Every segment of the project's timeline, inactive ones included, in order."""
        return await self.all(self._timeline, SegmentRow.of, project_id)

    async def active_segments_of(self, project_id: UUID) -> list[SegmentRow]:
        """What plays, in order."""
        return await self.all(self._playing, SegmentRow.of, project_id)

    async def assets_of(self, project_id: UUID) -> list[AssetRow]:
        """The project's assets in upload order, rejected ones included."""
        return await self.all(self._assets, AssetRow.of, project_id)

    async def asset(self, asset_id: UUID) -> AssetRow | None:
        return await self.one(self._asset, AssetRow.of, asset_id)

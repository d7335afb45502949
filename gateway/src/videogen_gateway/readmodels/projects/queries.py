"""Reads of the project read models; rows come back as typed Structs, one query each."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.project.events import stream_id_for
from videogen_gateway.readmodels.owners import owned_filter, viewer
from videogen_gateway.readmodels.projects.cache import DetailCache
from videogen_gateway.readmodels.projects.rows import CastRow, ProjectDetail, ProjectRow
from videogen_gateway.readmodels.queries import Queries

_PROJECT_COLUMNS = (
    "p.id, p.topic, p.style, p.target_duration_minutes, p.description, p.audience, p.goal,"
    " p.tone, p.language, p.aspect_ratio, p.owner, p.status, p.created_at, p.updated_at"
)


def _columns(q: str) -> str:
    # The counts are read from the script read models (another projection, so another
    # consumer: counting at read time keeps them exact whichever stream is projected first).
    return (
        f"{_PROJECT_COLUMNS}, (SELECT count(*) FROM {q}.sections x WHERE x.project_id = p.id)"
        f" AS section_count, (SELECT count(*) FROM {q}.sentences y WHERE y.project_id = p.id)"
        " AS sentence_count"
    )


_cast_decoder = msgspec.json.Decoder(list[CastRow])


class ProjectQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str, cache: DetailCache | None = None) -> None:
        super().__init__(pool, schema)
        self._cache = cache
        q = self.q
        self._list = (
            f"SELECT {_columns(q)} FROM {q}.projects p WHERE NOT p.deleted"
            f" AND {owned_filter(q, 'p.id', 1)} ORDER BY p.created_at DESC, p.id"
        )
        # The cast rides along as one JSON array so a detail view costs one round trip;
        # the stream's version too, read in the same snapshot (for the cache).
        self._detail = (
            f"SELECT {_columns(q)}, (SELECT coalesce(json_agg(c ORDER BY c.position), '[]')"
            f" FROM {q}.cast_members c WHERE c.project_id = p.id) AS cast_json, (SELECT"
            f" s.version FROM {q}.stream_positions s WHERE s.stream_id = $2) AS version"
            f" FROM {q}.projects p WHERE p.id = $1 AND NOT p.deleted"
        )
        self._cast = (
            f"SELECT c.id, c.name, c.description, c.role, c.voice FROM {q}.cast_members c"
            f" JOIN {q}.projects p ON p.id = c.project_id AND NOT p.deleted"
            " WHERE c.project_id = $1 AND c.id = ANY($2::uuid[]) ORDER BY c.position"
        )

    async def list_projects(self) -> list[ProjectRow]:
        """The acting user's projects (everyone's for an admin)."""
        return await self.all(self._list, ProjectRow, viewer())

    async def get_project(self, project_id: UUID) -> ProjectDetail | None:
        cache = self._cache
        epoch = 0
        if cache is not None and cache.live:
            hit = cache.get(project_id)
            if hit is not None:
                return hit
            epoch = cache.epoch
        row = await self.pool.fetchrow(self._detail, project_id, stream_id_for(project_id))
        if row is None:
            return None
        values = dict(row)
        cast = _cast_decoder.decode(values.pop("cast_json"))
        version = values.pop("version") or 0
        detail = ProjectDetail(project=ProjectRow(**values), cast=cast)
        if cache is not None:
            cache.put(version, detail, epoch)
        return detail

    async def get_cast_members(self, project_id: UUID, ids: list[UUID]) -> list[CastRow]:
        return await self.all(self._cast, CastRow, project_id, ids)

"""The `outlines` read model: a studio project's outlines, as `GET /outlines` shows them.

Each outline's sections are stored in the studio's JSON shape (camelCase), so a read is
one row and no translation. Runs inside the script projector's transaction (projector.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.script.outline import (
    OutlineApproved,
    OutlineEvent,
    OutlineGenerated,
    OutlineSectionPlan,
    OutlineSectionRegenerated,
)
from videogen_gateway.readmodels.queries import Queries

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


class OutlineSectionOut(msgspec.Struct, kw_only=True, rename="camel"):
    title: str
    summary: str
    target_minutes: float
    key_points: list[str]


def section_out(plan: OutlineSectionPlan) -> OutlineSectionOut:
    return msgspec.convert(plan, OutlineSectionOut, from_attributes=True)


async def apply_outline_event(conn: Conn, q: str, event: OutlineEvent) -> None:
    match event:
        case OutlineGenerated():
            sections = msgspec.json.encode([section_out(s) for s in event.sections]).decode()
            await conn.execute(
                f"INSERT INTO {q}.outlines (id, project_id, title, total_target_minutes,"
                " sections, provider_label, job_id, created_at, updated_at)"
                " VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8) ON CONFLICT (id) DO NOTHING",
                event.outline_id, event.project_id, event.title, event.total_target_minutes,
                sections, event.provider_label, event.job_id, event.generated_at,
            )
        case OutlineSectionRegenerated():
            section = msgspec.json.encode(section_out(event.section)).decode()
            await conn.execute(
                f"UPDATE {q}.outlines SET sections = jsonb_set(sections, $2::text[], $3::jsonb),"
                " total_target_minutes = total_target_minutes"
                " - coalesce((sections -> $4::int ->> 'targetMinutes')::float8, 0) + $5,"
                " provider_label = $6, updated_at = $7 WHERE id = $1",
                event.outline_id, [str(event.section_index)], section, event.section_index,
                event.section.target_minutes, event.provider_label, event.regenerated_at,
            )
        case OutlineApproved():
            await conn.execute(
                f"UPDATE {q}.outlines SET status = 'approved', job_id = $2, updated_at = $3"
                " WHERE id = $1",
                event.outline_id, event.job_id, event.approved_at,
            )


class OutlineRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    title: str
    total_target_minutes: float
    sections: list[OutlineSectionOut]
    status: str
    provider_label: str
    job_id: UUID | None
    created_at: datetime
    updated_at: datetime


_sections_decoder = msgspec.json.Decoder(list[OutlineSectionOut])


def _row(sections: str, **values: Any) -> OutlineRow:
    return OutlineRow(sections=_sections_decoder.decode(sections), **values)


class OutlineQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        columns = (
            "id, project_id, title, total_target_minutes, sections::text AS sections, status,"
            f" provider_label, job_id, created_at, updated_at FROM {self.q}.outlines o"
        )
        self._get = f"SELECT {columns} WHERE id = $1 AND {self.alive('o.project_id')}"
        # Newest first, as the original listed them.
        self._of_project = f"SELECT {columns} WHERE project_id = $1 ORDER BY created_at DESC, id"

    async def get(self, outline_id: UUID) -> OutlineRow | None:
        return await self.one(self._get, _row, outline_id)

    async def of_project(self, project_id: UUID) -> list[OutlineRow]:
        return await self.all(self._of_project, _row, project_id)

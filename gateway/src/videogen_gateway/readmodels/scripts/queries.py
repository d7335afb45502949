"""Reads of the `sections` and `sentences` read models; rows come back as typed Structs.

A section's sentences ride along as one JSON array, so a section (or a whole script) costs
one round trip.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from videogen_gateway.readmodels.productions.renders import stale_sql
from videogen_gateway.readmodels.queries import Queries


class SentenceRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    section_id: UUID
    project_id: UUID
    text: str
    position: int
    revision: int
    updated_at: datetime
    # Not a column: changed or added since the project's last completed render
    # (readmodels/productions/renders.py).
    stale: bool = False


class SectionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    title: str
    position: int
    provider_label: str | None
    updated_at: datetime
    sentences: list[SentenceRow]


_sentences_decoder = msgspec.json.Decoder(list[SentenceRow])


def _section(sentences: str, **values: Any) -> SectionRow:
    return SectionRow(sentences=_sentences_decoder.decode(sentences), **values)


class ScriptQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        stored = ", ".join(f"t.{name}" for name in SentenceRow.__struct_fields__
                           if name != "stale")
        sentence = f"{stored}, {stale_sql(q, 't')} AS stale"
        sentences = (
            f"coalesce((SELECT json_agg(x ORDER BY x.position, x.id) FROM (SELECT {sentence}"
            f" FROM {q}.sentences t WHERE t.section_id = s.id) x), '[]')::text AS sentences"
        )
        sections = (
            f"SELECT s.id, s.project_id, s.title, s.position, s.provider_label, s.updated_at,"
            f" {sentences} FROM {q}.sections s WHERE {self.alive('s.project_id')}"
        )
        self._of_project = f"{sections} AND s.project_id = $1 ORDER BY s.position, s.id"
        self._section = f"{sections} AND s.id = $1"
        self._sentence = (
            f"SELECT {sentence} FROM {q}.sentences t WHERE id = $1"
            f" AND {self.alive('t.project_id')}"
        )
        self._section_project = (
            f"SELECT project_id FROM {q}.sections s WHERE id = $1 AND {self.alive('s.project_id')}"
        )
        self._counts = (
            f"SELECT (SELECT count(*) FROM {q}.sections WHERE project_id = $1),"
            f" (SELECT count(*) FROM {q}.sentences WHERE project_id = $1)"
        )

    async def sections_of(self, project_id: UUID) -> list[SectionRow]:
        """The project's current script, sections and sentences in order."""
        return await self.all(self._of_project, _section, project_id)

    async def section(self, section_id: UUID) -> SectionRow | None:
        return await self.one(self._section, _section, section_id)

    async def section_project(self, section_id: UUID) -> UUID | None:
        project_id: UUID | None = await self.pool.fetchval(self._section_project, section_id)
        return project_id

    async def sentence(self, sentence_id: UUID) -> SentenceRow | None:
        return await self.one(self._sentence, SentenceRow, sentence_id)

    async def counts(self, project_id: UUID) -> tuple[int, int]:
        """(sections, sentences) of the project's script."""
        record = await self.pool.fetchrow(self._counts, project_id)
        assert record is not None
        return int(record[0]), int(record[1])

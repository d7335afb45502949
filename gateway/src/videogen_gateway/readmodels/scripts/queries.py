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
from videogen_eventstore.migrations import check_schema_name, quote_ident


class SentenceRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    section_id: UUID
    project_id: UUID
    text: str
    position: int
    revision: int
    updated_at: datetime


class SectionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    title: str
    position: int
    provider_label: str | None
    updated_at: datetime
    sentences: list[SentenceRow]


_sentences_decoder = msgspec.json.Decoder(list[SentenceRow])


def _section(record: asyncpg.Record) -> SectionRow:
    values: dict[str, Any] = dict(record)
    values["sentences"] = _sentences_decoder.decode(values["sentences"])
    return SectionRow(**values)


class ScriptQueries:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool = pool
        q = quote_ident(check_schema_name(schema))
        sentences = (
            "coalesce((SELECT json_agg(json_build_object('id', t.id, 'section_id',"
            " t.section_id, 'project_id', t.project_id, 'text', t.text, 'position',"
            " t.position, 'revision', t.revision, 'updated_at', t.updated_at)"
            f" ORDER BY t.position, t.id) FROM {q}.sentences t WHERE t.section_id = s.id),"
            " '[]')::text AS sentences"
        )
        columns = (
            f"s.id, s.project_id, s.title, s.position, s.provider_label, s.updated_at,"
            f" {sentences}"
        )
        # A deleted project's script disappears with it (its rows stay, see 0001's note).
        # NOT EXISTS rather than a join: the script may be projected before its project.
        alive = f"NOT EXISTS (SELECT 1 FROM {q}.projects p WHERE p.id = {{}} AND p.deleted)"
        self._of_project = (
            f"SELECT {columns} FROM {q}.sections s WHERE s.project_id = $1"
            f" AND {alive.format('s.project_id')} ORDER BY s.position, s.id"
        )
        self._section = (
            f"SELECT {columns} FROM {q}.sections s WHERE s.id = $1"
            f" AND {alive.format('s.project_id')}"
        )
        self._sentence = (
            "SELECT id, section_id, project_id, text, position, revision, updated_at"
            f" FROM {q}.sentences t WHERE id = $1 AND {alive.format('t.project_id')}"
        )
        self._section_project = (
            f"SELECT project_id FROM {q}.sections s WHERE id = $1"
            f" AND {alive.format('s.project_id')}"
        )
        self._counts = (
            f"SELECT (SELECT count(*) FROM {q}.sections WHERE project_id = $1),"
            f" (SELECT count(*) FROM {q}.sentences WHERE project_id = $1)"
        )

    async def sections_of(self, project_id: UUID) -> list[SectionRow]:
        """The project's current script, sections and sentences in order."""
        return [_section(r) for r in await self.pool.fetch(self._of_project, project_id)]

    async def section(self, section_id: UUID) -> SectionRow | None:
        record = await self.pool.fetchrow(self._section, section_id)
        return None if record is None else _section(record)

    async def section_project(self, section_id: UUID) -> UUID | None:
        project_id: UUID | None = await self.pool.fetchval(self._section_project, section_id)
        return project_id

    async def sentence(self, sentence_id: UUID) -> SentenceRow | None:
        record = await self.pool.fetchrow(self._sentence, sentence_id)
        return None if record is None else SentenceRow(**record)

    async def counts(self, project_id: UUID) -> tuple[int, int]:
        """(sections, sentences) of the project's script."""
        record = await self.pool.fetchrow(self._counts, project_id)
        assert record is not None
        return int(record[0]), int(record[1])

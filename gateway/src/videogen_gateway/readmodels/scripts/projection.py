"""How each Script event changes the `sections` and `sentences` read models.

A project has one current script (the studio's), so `ScriptReplaced` - and `ScriptDrafted`,
which a text2video production writes for its own project - replace every section of the
project. Edits renumber the positions of what they touch, so positions stay dense and
0-based, whatever order the decider's events describe. Every function runs inside the
script projector's transaction, after its ordering and tracking checks (projector.py), so
it sees each event exactly once and in stream order.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from videogen_contracts.script.events import (
    ScriptDrafted,
    ScriptEvent,
    ScriptGenerationEnded,
    ScriptGenerationStarted,
    ScriptReplaced,
    ScriptSection,
    SectionsReordered,
    SentenceDeleted,
    SentenceMoved,
    SentencesInserted,
    SentencesReordered,
    SentenceTextChanged,
)

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


async def apply_script_event(conn: Conn, q: str, event: ScriptEvent) -> None:
    """Apply one event; `q` is the quoted schema name."""
    match event:
        case ScriptDrafted():
            await _replace(conn, q, event.project_id, event.script_id, event.sections,
                           None, event.drafted_at)
        case ScriptReplaced():
            await _replace(conn, q, event.project_id, event.script_id, event.sections,
                           event.provider_label, event.replaced_at)
        case SectionsReordered():
            await conn.execute(
                f"UPDATE {q}.sections s SET position = o.ord - 1, updated_at = $3"
                " FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)"
                " WHERE s.id = o.id AND s.project_id = $1",
                event.project_id, event.section_ids, event.reordered_at,
            )
        case SentencesReordered():
            await _renumber(conn, q, event.section_id, event.sentence_ids, event.reordered_at)
        case SentenceMoved():
            await _move(conn, q, event)
        case SentenceTextChanged():
            await conn.execute(
                f"UPDATE {q}.sentences SET text = $2, revision = $3, updated_at = $4"
                " WHERE id = $1",
                event.sentence_id, event.text, event.revision, event.changed_at,
            )
        case SentenceDeleted():
            await conn.execute(f"DELETE FROM {q}.sentences WHERE id = $1", event.sentence_id)
            ids = await _sentence_ids(conn, q, event.section_id)
            await _renumber(conn, q, event.section_id, ids, event.deleted_at)
        case SentencesInserted():
            await _insert(conn, q, event)
        case ScriptGenerationStarted() | ScriptGenerationEnded():
            pass  # the run's own stream tells its story (generations/readmodel.py)


async def _replace(
    conn: Conn, q: str, project_id: UUID, script_id: UUID,
    sections: list[ScriptSection], provider_label: str | None, at: datetime,
) -> None:
    await conn.execute(f"DELETE FROM {q}.sentences WHERE project_id = $1", project_id)
    await conn.execute(f"DELETE FROM {q}.sections WHERE project_id = $1", project_id)
    ordered = sorted(sections, key=lambda s: s.order)
    await conn.executemany(
        f"INSERT INTO {q}.sections (id, project_id, script_id, title, position,"
        " provider_label, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (s.section_id, project_id, script_id, s.title, i, provider_label, at)
            for i, s in enumerate(ordered)
        ],
    )
    await conn.executemany(
        f"INSERT INTO {q}.sentences (id, section_id, project_id, text, position, revision,"
        " updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        [
            (t.sentence_id, s.section_id, project_id, t.text, i, at)
            for s in ordered
            for i, t in enumerate(sorted(s.sentences, key=lambda t: t.order))
        ],
    )


async def _renumber(conn: Conn, q: str, section_id: UUID, ids: list[UUID], at: datetime) -> None:
    """Put `ids` (all of the section's sentences) in this order, in this section."""
    await conn.execute(
        f"UPDATE {q}.sentences s SET section_id = $1, position = o.ord - 1, updated_at = $3"
        " FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord) WHERE s.id = o.id",
        section_id, ids, at,
    )


async def _sentence_ids(conn: Conn, q: str, section_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        f"SELECT id FROM {q}.sentences WHERE section_id = $1 ORDER BY position, id", section_id
    )
    return [r["id"] for r in rows]


async def _move(conn: Conn, q: str, e: SentenceMoved) -> None:
    source = [i for i in await _sentence_ids(conn, q, e.from_section_id) if i != e.sentence_id]
    if e.from_section_id != e.to_section_id:
        await _renumber(conn, q, e.from_section_id, source, e.moved_at)
        target = await _sentence_ids(conn, q, e.to_section_id)
    else:
        target = source
    # The decider clamped `position` already; clamp again so a replay can never fail.
    target.insert(min(max(e.position, 0), len(target)), e.sentence_id)
    await _renumber(conn, q, e.to_section_id, target, e.moved_at)


async def _insert(conn: Conn, q: str, e: SentencesInserted) -> None:
    project_id = await conn.fetchval(
        f"SELECT project_id FROM {q}.sections WHERE id = $1", e.section_id
    )
    ids = await _sentence_ids(conn, q, e.section_id)
    await conn.executemany(
        f"INSERT INTO {q}.sentences (id, section_id, project_id, text, position, revision,"
        " updated_at) VALUES ($1, $2, $3, $4, 0, 1, $5) ON CONFLICT (id) DO NOTHING",
        [(s.sentence_id, e.section_id, project_id or e.project_id, s.text, e.inserted_at)
         for s in e.sentences],
    )
    at = min(max(e.position, 0), len(ids))
    ids[at:at] = [s.sentence_id for s in e.sentences]
    await _renumber(conn, q, e.section_id, ids, e.inserted_at)

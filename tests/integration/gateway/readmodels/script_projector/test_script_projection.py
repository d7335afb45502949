"""The script projection on real PostgreSQL: sections and sentences follow every edit."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
from videogen_contracts.script.events import (
    InsertedSentence,
    ScriptDrafted,
    ScriptReplaced,
    ScriptSection,
    ScriptSentence,
    SectionsReordered,
    SentenceDeleted,
    SentenceMoved,
    SentencesInserted,
    SentencesReordered,
    SentenceTextChanged,
    studio_script_id,
)
from videogen_gateway.readmodels.projector import Outcome, ScriptProjector
from videogen_gateway.readmodels.scripts.queries import ScriptQueries, SectionRow

from .conftest import NOW, Recorder


def script(pid: UUID, shape: list[int]) -> list[ScriptSection]:
    """Sections with `shape[i]` sentences each, texts "s<i>.<j>"."""
    return [
        ScriptSection(
            section_id=uuid4(), title=f"Section {i}", order=i,
            sentences=[
                ScriptSentence(sentence_id=uuid4(), text=f"s{i}.{j}", order=j) for j in range(n)
            ],
        )
        for i, n in enumerate(shape)
    ]


def replaced(pid: UUID, sections: list[ScriptSection]) -> ScriptReplaced:
    return ScriptReplaced(
        script_id=studio_script_id(pid), project_id=pid, source="quick", sections=sections,
        provider_label="offline", replaced_at=NOW,
    )


def texts(section: SectionRow) -> list[str]:
    assert [s.position for s in section.sentences] == list(range(len(section.sentences)))
    return [s.text for s in section.sentences]


async def shown(queries: ScriptQueries, pid: UUID) -> list[list[str]]:
    sections = await queries.sections_of(pid)
    assert [s.position for s in sections] == list(range(len(sections)))
    return [texts(s) for s in sections]


async def test_replace_then_every_edit(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid, sid = uuid4(), None
    queries = ScriptQueries(pool, schema)
    sections = script(pid, [3, 2])
    sid = studio_script_id(pid)
    a, b = sections
    assert await projector.apply(record(replaced(pid, sections))) is Outcome.APPLIED
    assert await shown(queries, pid) == [["s0.0", "s0.1", "s0.2"], ["s1.0", "s1.1"]]
    assert await queries.counts(pid) == (2, 5)

    a_ids = [s.sentence_id for s in a.sentences]
    await projector.apply(record(SentencesReordered(
        script_id=sid, project_id=pid, section_id=a.section_id,
        sentence_ids=[a_ids[2], a_ids[0], a_ids[1]], reordered_at=NOW,
    )))
    assert await shown(queries, pid) == [["s0.2", "s0.0", "s0.1"], ["s1.0", "s1.1"]]

    await projector.apply(record(SectionsReordered(
        script_id=sid, project_id=pid, section_ids=[b.section_id, a.section_id], reordered_at=NOW,
    )))
    assert await shown(queries, pid) == [["s1.0", "s1.1"], ["s0.2", "s0.0", "s0.1"]]

    # Across sections, to the front; then within one section, past its end (clamped).
    await projector.apply(record(SentenceMoved(
        script_id=sid, project_id=pid, sentence_id=a_ids[0], from_section_id=a.section_id,
        to_section_id=b.section_id, position=0, moved_at=NOW,
    )))
    assert await shown(queries, pid) == [["s0.0", "s1.0", "s1.1"], ["s0.2", "s0.1"]]
    await projector.apply(record(SentenceMoved(
        script_id=sid, project_id=pid, sentence_id=a_ids[0], from_section_id=b.section_id,
        to_section_id=b.section_id, position=99, moved_at=NOW,
    )))
    assert await shown(queries, pid) == [["s1.0", "s1.1", "s0.0"], ["s0.2", "s0.1"]]

    await projector.apply(record(SentenceTextChanged(
        script_id=sid, project_id=pid, sentence_id=a_ids[0], section_id=b.section_id,
        text="changed", revision=2, changed_at=NOW,
    )))
    changed = await queries.sentence(a_ids[0])
    assert changed is not None
    assert (changed.text, changed.revision, changed.section_id) == ("changed", 2, b.section_id)

    await projector.apply(record(SentenceDeleted(
        script_id=sid, project_id=pid, sentence_id=b.sentences[0].sentence_id,
        section_id=b.section_id, deleted_at=NOW,
    )))
    assert await shown(queries, pid) == [["s1.1", "changed"], ["s0.2", "s0.1"]]

    new = [InsertedSentence(sentence_id=uuid4(), text=t) for t in ("x", "y")]
    await projector.apply(record(SentencesInserted(
        script_id=sid, project_id=pid, section_id=a.section_id, position=1, sentences=new,
        inserted_at=NOW,
    )))
    assert await shown(queries, pid) == [["s1.1", "changed"], ["s0.2", "x", "y", "s0.1"]]
    assert await queries.counts(pid) == (2, 6)
    assert await queries.section_project(a.section_id) == pid

    # quick-generate again: the old script is gone, sentence for sentence.
    await projector.apply(record(replaced(pid, script(pid, [1]))))
    assert await shown(queries, pid) == [["s0.0"]]
    assert await queries.sentence(a_ids[0]) is None
    assert await queries.section(a.section_id) is None


async def test_a_text2video_draft_counts_for_its_project(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid = uuid4()
    await projector.apply(record(ScriptDrafted(
        script_id=pid, project_id=pid, production_id=pid, language="en",
        sections=script(pid, [2, 2, 1]), drafted_at=NOW,
    )))
    assert await ScriptQueries(pool, schema).counts(pid) == (3, 5)
    assert await ScriptQueries(pool, schema).counts(uuid4()) == (0, 0)

"""The studio use cases on the in-memory store with the real offline writer (counted):
synchronous writing, idempotent resends, broken models, and queries that change nothing."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

import pytest
from videogen_contracts.errors import Conflict, Invalid, NotFound, Unavailable
from videogen_contracts.script.commands import (
    AcceptExpansion,
    GenerateOutline,
    QuickGenerate,
    RegenerateOutlineSection,
    ReorderSentences,
    UpdateSentence,
)
from videogen_contracts.script.events import (
    ScriptReplaced,
    event_decoder,
    stream_id_for,
    studio_script_id,
)
from videogen_contracts.script.outline import OutlineGenerated, outline_event_decoder
from videogen_contracts.script.queries import ExpandSection, GetProjectScript

from tests.unit.services.script.world import CAST_DESCRIPTION, NOW, World
from tests.unit.services.script.writers import CountingWriter, malformed, unavailable

pytestmark = pytest.mark.timeout(10)


def script_stream(project_id: UUID) -> str:
    return stream_id_for(studio_script_id(project_id))


async def quick(world: World, project_id: UUID, command_id: str = "q1") -> ScriptReplaced:
    await world.send(QuickGenerate(command_id=command_id, now=NOW, project_id=project_id))
    recorded = await world.store.read_stream(script_stream(project_id))
    event = event_decoder.decode(recorded[-1].data)
    assert isinstance(event, ScriptReplaced)
    return event


async def test_quick_generate_writes_a_script_with_the_brief_and_cast_in_the_prompt() -> None:
    world = World()
    pid = world.project(target_minutes=2.0)
    event = await quick(world, pid)
    assert event.source == "quick"
    assert event.provider_label == "offline"
    assert event.sections
    assert all(s.sentences for s in event.sections)
    [brief] = world.writer.briefs
    assert brief.target_minutes == 2.0
    assert (brief.topic, brief.audience, brief.tone) == (
        "How lighthouses work",
        "children",
        "playful",
    )
    assert [c.description for c in brief.cast] == [CAST_DESCRIPTION]


async def test_quick_generate_again_replaces_the_sections() -> None:
    world = World()
    pid = world.project()
    first = await quick(world, pid, "q1")
    second = await quick(world, pid, "q2")
    first_ids = {s.section_id for s in first.sections}
    assert first_ids.isdisjoint(s.section_id for s in second.sections)
    answer = await world.answer(GetProjectScript(project_id=pid))
    assert [s.section_id for s in answer.sections] == [s.section_id for s in second.sections]  # type: ignore[attr-defined]


async def test_a_resent_quick_generate_answers_without_a_second_model_call() -> None:
    world = World()
    pid = world.project()
    command = QuickGenerate(command_id="same", now=NOW, project_id=pid)
    first = await world.send(command)
    again = await world.send(command)
    assert world.writer.calls["quick_script"] == 1
    assert (again.stream_version, again.duplicate) == (first.stream_version, True)


@pytest.mark.parametrize("failure", [unavailable(), malformed()], ids=["unavailable", "malformed"])
async def test_a_broken_model_makes_quick_generate_unavailable_with_the_reason(
    failure: Exception,
) -> None:
    world = World(writer=CountingWriter({"quick_script": failure}))
    pid = world.project()
    with pytest.raises(Unavailable, match="language model") as refused:
        await world.send(QuickGenerate(command_id="q", now=NOW, project_id=pid))
    assert str(failure) in refused.value.message
    assert await world.types(script_stream(pid)) == []


async def test_a_model_that_never_answers_is_cut_off_by_the_deadline() -> None:
    world = World(writer=CountingWriter(hang=["quick_script"]), deadline=0.2)
    pid = world.project()
    with pytest.raises(Unavailable, match=r"within 0\.2 s"):
        await world.send(QuickGenerate(command_id="q", now=NOW, project_id=pid))


async def test_writing_for_an_unknown_project_is_not_found_without_calling_the_model() -> None:
    world = World()
    with pytest.raises(NotFound):
        await world.send(QuickGenerate(command_id="q", now=NOW, project_id=uuid4()))
    assert not world.writer.calls


async def test_quick_generate_while_a_run_holds_the_script_is_a_conflict_before_any_call() -> None:
    world = World()
    pid = world.project()
    await world.start(pid)
    with pytest.raises(Conflict):
        await world.send(QuickGenerate(command_id="q", now=NOW, project_id=pid))
    assert world.writer.calls["quick_script"] == 0


async def test_an_outline_is_generated_then_one_section_regenerated() -> None:
    world = World()
    pid = world.project()
    oid = uuid4()
    await world.send(
        GenerateOutline(command_id="o", now=NOW, project_id=pid, outline_id=oid, target_minutes=4)
    )
    [recorded] = await world.store.read_stream(f"outline-{oid}")
    outline = outline_event_decoder.decode(recorded.data)
    assert isinstance(outline, OutlineGenerated)
    assert outline.total_target_minutes == pytest.approx(4, abs=0.5)
    await world.send(
        RegenerateOutlineSection(
            command_id="r", now=NOW, outline_id=oid, section_index=1, instructions="More history"
        )
    )
    assert await world.types(f"outline-{oid}") == ["OutlineGenerated", "OutlineSectionRegenerated"]


async def test_regenerating_out_of_range_or_an_unknown_outline_calls_no_model() -> None:
    world = World()
    pid = world.project()
    oid = uuid4()
    await world.send(GenerateOutline(command_id="o", now=NOW, project_id=pid, outline_id=oid))
    with pytest.raises(Invalid):
        await world.send(
            RegenerateOutlineSection(command_id="r", now=NOW, outline_id=oid, section_index=99)
        )
    with pytest.raises(NotFound):
        await world.send(
            RegenerateOutlineSection(command_id="r2", now=NOW, outline_id=uuid4(), section_index=0)
        )
    assert world.writer.calls["regenerate_section"] == 0


async def test_expand_suggests_sentences_and_changes_nothing_until_accepted() -> None:
    world = World()
    pid = world.project()
    script = await quick(world, pid)
    section = script.sections[0]
    before = await world.types(script_stream(pid))
    answer = await world.answer(
        ExpandSection(project_id=pid, section_id=section.section_id, count=3)
    )
    suggestions = answer.sentences  # type: ignore[attr-defined]
    assert len(suggestions) == 3
    assert answer.provider_label == "offline"  # type: ignore[attr-defined]
    assert await world.types(script_stream(pid)) == before
    await world.send(
        AcceptExpansion(
            command_id="a",
            now=NOW,
            project_id=pid,
            section_id=section.section_id,
            sentences=suggestions,
        )
    )
    after = await world.answer(GetProjectScript(project_id=pid))
    texts = [n.text for n in after.sections[0].sentences]  # type: ignore[attr-defined]
    assert texts[-3:] == suggestions


async def test_expand_rejects_bad_counts_and_unknown_sections() -> None:
    world = World()
    pid = world.project()
    await quick(world, pid)
    with pytest.raises(Invalid):
        await world.answer(ExpandSection(project_id=pid, section_id=uuid4(), count=0))
    with pytest.raises(NotFound):
        await world.answer(ExpandSection(project_id=pid, section_id=uuid4()))


async def test_the_project_script_query_of_a_project_without_script_is_not_found() -> None:
    with pytest.raises(NotFound):
        await World().answer(GetProjectScript(project_id=uuid4()))


async def test_two_concurrent_reorders_of_one_section_are_both_applied_in_order() -> None:
    world = World()
    pid = world.project()
    section = (await quick(world, pid)).sections[0]
    ids = [n.sentence_id for n in section.sentences]
    orders = [list(reversed(ids)), ids[1:] + ids[:1]]
    results = await asyncio.gather(
        *(
            world.send(
                ReorderSentences(
                    command_id=f"r{i}",
                    now=NOW,
                    project_id=pid,
                    section_id=section.section_id,
                    sentence_ids=order,
                )
            )
            for i, order in enumerate(orders)
        )
    )
    assert sorted(r.stream_version for r in results) == [2, 3]  # both written, one after other
    last = max(range(2), key=lambda i: results[i].stream_version)
    answer = await world.answer(GetProjectScript(project_id=pid))
    assert [n.sentence_id for n in answer.sections[0].sentences] == orders[last]  # type: ignore[attr-defined]


async def test_a_text_change_is_visible_with_its_new_revision() -> None:
    world = World()
    pid = world.project()
    sentence = (await quick(world, pid)).sections[0].sentences[0]
    await world.send(
        UpdateSentence(
            command_id="u",
            now=NOW,
            project_id=pid,
            sentence_id=sentence.sentence_id,
            text="Changed.",
        )
    )
    recorded = await world.store.read_stream(script_stream(pid))
    assert recorded[-1].type == "SentenceTextChanged"
    assert b'"revision":2' in bytes(recorded[-1].data)


async def test_a_request_waits_for_the_cast_it_was_sent_after() -> None:
    """The gateway passes the project version it has seen; a cast member added just before
    "generate" must be in the prompt, so the request waits for our copy to catch up."""
    world = World()
    pid = world.project()  # version 2: created, one cast member
    with pytest.raises(Unavailable, match="not yet 3"):
        await world.send(QuickGenerate(command_id="q", now=NOW, project_id=pid, project_version=3))
    assert not world.writer.calls
    await world.send(QuickGenerate(command_id="q2", now=NOW, project_id=pid, project_version=2))
    assert world.writer.calls["quick_script"] == 1

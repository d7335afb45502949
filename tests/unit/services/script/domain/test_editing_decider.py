"""A studio script's editing rules, given/when/then with no I/O: every rule and bad input of
issue 4 (reorders, move and its clamping, text changes and revisions, deletes, accepting
an expansion, and the replacement rules around a running generation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest
from script_service.domain.commands import EndGeneration, ReplaceScript
from script_service.domain.editing import SENTENCE_MAX, EditCommand, decide_edit
from script_service.domain.script_state import Script, fold
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.commands import (
    AcceptExpansion,
    DeleteSentence,
    MoveSentence,
    ReorderSections,
    ReorderSentences,
    UpdateSentence,
)
from videogen_contracts.script.events import (
    ScriptEvent,
    ScriptGenerationEnded,
    ScriptGenerationStarted,
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

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PID = UUID("00000000-0000-4000-8000-00000000000a")
OTHER_PROJECT = UUID("00000000-0000-4000-8000-00000000000b")
SID = studio_script_id(PID)
JOB = UUID("00000000-0000-4000-8000-0000000000f1")


def sec(n: int) -> UUID:
    return uuid5(SID, f"sec{n}")


def sen(section: int, n: int) -> UUID:
    return uuid5(SID, f"sen{section}.{n}")


def section(n: int, count: int) -> ScriptSection:
    return ScriptSection(
        section_id=sec(n),
        title=f"Section {n}",
        order=n,
        sentences=[
            ScriptSentence(sentence_id=sen(n, i), text=f"Sentence {n}.{i}.", order=i)
            for i in range(count)
        ],
    )


def written(counts: Sequence[int] = (3, 2), project_id: UUID = PID) -> ScriptReplaced:
    return ScriptReplaced(
        script_id=studio_script_id(project_id),
        project_id=project_id,
        source="quick",
        sections=[section(n, c) for n, c in enumerate(counts)],
        provider_label="offline",
        replaced_at=NOW,
    )


def given(*events: ScriptEvent) -> Script:
    return fold(events)


def when(command: EditCommand, state: Script) -> list[ScriptEvent]:
    return decide_edit(command, state)


def then_order(state: Script) -> list[list[UUID]]:
    return [list(state.sections[s].sentence_ids) for s in state.section_ids]


def cmd(kind: type[Any], **fields: Any) -> Any:
    return kind(command_id=fields.pop("command_id", "c1"), now=NOW, project_id=PID, **fields)


# --- reorder sections ---------------------------------------------------------------------


def test_reorder_sections_applies_the_complete_new_order() -> None:
    state = given(written((1, 1, 1)))
    events = when(cmd(ReorderSections, section_ids=[sec(2), sec(0), sec(1)]), state)
    assert events == [
        SectionsReordered(
            script_id=SID, project_id=PID, section_ids=[sec(2), sec(0), sec(1)], reordered_at=NOW
        )
    ]
    assert fold(events, state).section_ids == (sec(2), sec(0), sec(1))


@pytest.mark.parametrize(
    ("ids", "says"),
    [
        ([sec(1)], "missing"),
        ([sec(0), sec(1), sec(1)], "twice"),
        ([sec(0), sec(1), uuid5(studio_script_id(OTHER_PROJECT), "sec0")], "not a section"),
        ([], "empty"),
    ],
    ids=["missing-id", "duplicate-id", "other-projects-id", "empty"],
)
def test_reorder_sections_refuses_an_incomplete_or_foreign_list(ids: list[UUID], says: str) -> None:
    with pytest.raises(Invalid, match=says) as refused:
        when(cmd(ReorderSections, section_ids=ids), given(written((1, 1))))
    assert refused.value.field == "section_ids"


def test_reorder_sections_of_a_project_without_script_is_invalid() -> None:
    with pytest.raises(Invalid):
        when(cmd(ReorderSections, section_ids=[sec(0)]), given())


def test_reorder_sections_to_the_same_order_changes_nothing() -> None:
    assert when(cmd(ReorderSections, section_ids=[sec(0), sec(1)]), given(written())) == []


# --- reorder sentences --------------------------------------------------------------------


def test_reorder_sentences_within_a_section() -> None:
    state = given(written())
    new = [sen(0, 2), sen(0, 0), sen(0, 1)]
    events = when(cmd(ReorderSentences, section_id=sec(0), sentence_ids=new), state)
    assert events == [
        SentencesReordered(
            script_id=SID, project_id=PID, section_id=sec(0), sentence_ids=new, reordered_at=NOW
        )
    ]
    assert then_order(fold(events, state))[0] == new


@pytest.mark.parametrize(
    ("ids", "says"),
    [
        ([sen(0, 0), sen(0, 1)], "missing"),
        ([sen(0, 0), sen(0, 1), sen(0, 2), sen(0, 2)], "twice"),
        ([sen(0, 0), sen(0, 1), sen(1, 0)], "not a sentence of this section"),
        ([sen(0, 0), sen(0, 1), uuid4()], "not a sentence"),
        ([], "empty"),
    ],
    ids=["missing-id", "duplicate-id", "other-sections-id", "unknown-id", "empty"],
)
def test_reorder_sentences_refuses_an_incomplete_or_foreign_list(
    ids: list[UUID], says: str
) -> None:
    with pytest.raises(Invalid, match=says) as refused:
        when(cmd(ReorderSentences, section_id=sec(0), sentence_ids=ids), given(written()))
    assert refused.value.field == "sentence_ids"


def test_reorder_sentences_of_an_unknown_section_is_not_found() -> None:
    with pytest.raises(NotFound):
        when(cmd(ReorderSentences, section_id=uuid4(), sentence_ids=[sen(0, 0)]), given(written()))


def test_two_reorders_one_after_the_other_both_apply_in_order() -> None:
    """What the shared handler does with two concurrent reorders: the second is decided on
    the state the first left, so neither is lost; the final order is the second's."""
    state = given(written())
    first = [sen(0, 1), sen(0, 0), sen(0, 2)]
    second = [sen(0, 2), sen(0, 1), sen(0, 0)]
    state = fold(when(cmd(ReorderSentences, section_id=sec(0), sentence_ids=first), state), state)
    state = fold(when(cmd(ReorderSentences, section_id=sec(0), sentence_ids=second), state), state)
    assert then_order(state)[0] == second


def test_a_reorder_decided_after_an_insert_it_did_not_see_is_invalid_not_lost() -> None:
    state = given(written())
    insert = cmd(AcceptExpansion, section_id=sec(0), sentences=["A new one."], command_id="ins")
    state = fold(when(insert, state), state)
    stale = [sen(0, 2), sen(0, 1), sen(0, 0)]  # the client's list, from before the insert
    with pytest.raises(Invalid, match="missing"):
        when(cmd(ReorderSentences, section_id=sec(0), sentence_ids=stale), state)


# --- move ---------------------------------------------------------------------------------


def test_move_to_another_section_at_a_position() -> None:
    state = given(written())
    events = when(
        cmd(MoveSentence, sentence_id=sen(0, 0), target_section_id=sec(1), position=1), state
    )
    assert events == [
        SentenceMoved(
            script_id=SID,
            project_id=PID,
            sentence_id=sen(0, 0),
            from_section_id=sec(0),
            to_section_id=sec(1),
            position=1,
            moved_at=NOW,
        )
    ]
    after = fold(events, state)
    assert then_order(after) == [[sen(0, 1), sen(0, 2)], [sen(1, 0), sen(0, 0), sen(1, 1)]]
    assert after.sentences[sen(0, 0)].section_id == sec(1)


@pytest.mark.parametrize("position", [2, 3, 99, 10**9])
def test_move_past_the_end_is_clamped_to_the_end(position: int) -> None:
    state = given(written())
    events = when(
        cmd(MoveSentence, sentence_id=sen(0, 0), target_section_id=sec(1), position=position), state
    )
    assert isinstance(events[0], SentenceMoved)
    assert events[0].position == 2
    assert then_order(fold(events, state))[1] == [sen(1, 0), sen(1, 1), sen(0, 0)]


def test_move_within_its_section_past_the_end_goes_last() -> None:
    state = given(written())
    events = when(
        cmd(MoveSentence, sentence_id=sen(0, 0), target_section_id=sec(0), position=50), state
    )
    assert isinstance(events[0], SentenceMoved)
    assert events[0].position == 2
    assert then_order(fold(events, state))[0] == [sen(0, 1), sen(0, 2), sen(0, 0)]


def test_move_to_where_it_already_is_changes_nothing() -> None:
    state = given(written())
    move = cmd(MoveSentence, sentence_id=sen(0, 2), target_section_id=sec(0), position=7)
    assert when(move, state) == []


def test_move_to_a_negative_position_is_invalid() -> None:
    with pytest.raises(Invalid) as refused:
        when(
            cmd(MoveSentence, sentence_id=sen(0, 0), target_section_id=sec(1), position=-1),
            given(written()),
        )
    assert refused.value.field == "position"


def test_move_of_an_unknown_sentence_or_to_an_unknown_section_is_not_found() -> None:
    state = given(written())
    with pytest.raises(NotFound, match="sentence"):
        when(cmd(MoveSentence, sentence_id=uuid4(), target_section_id=sec(1), position=0), state)
    foreign = uuid5(studio_script_id(OTHER_PROJECT), "sec0")
    with pytest.raises(NotFound, match="target section"):
        when(cmd(MoveSentence, sentence_id=sen(0, 0), target_section_id=foreign, position=0), state)


# --- update and delete --------------------------------------------------------------------


def test_a_text_change_bumps_the_revision_each_time() -> None:
    state = given(written())
    events = when(cmd(UpdateSentence, sentence_id=sen(1, 0), text="  New words.  "), state)
    assert events == [
        SentenceTextChanged(
            script_id=SID,
            project_id=PID,
            sentence_id=sen(1, 0),
            section_id=sec(1),
            text="New words.",
            revision=2,
            changed_at=NOW,
        )
    ]
    state = fold(events, state)
    again = when(cmd(UpdateSentence, sentence_id=sen(1, 0), text="Newer words."), state)
    assert isinstance(again[0], SentenceTextChanged)
    assert again[0].revision == 3
    assert fold(again, state).sentences[sen(1, 0)].text == "Newer words."


def test_the_same_text_again_changes_nothing() -> None:
    assert (
        when(cmd(UpdateSentence, sentence_id=sen(0, 0), text="Sentence 0.0."), given(written()))
        == []
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [("   ", "blank"), ("x" * (SENTENCE_MAX + 1), "at most"), ("... !!! 🎉", "nothing to say")],
    ids=["blank", "too-long", "nothing-to-say"],
)
def test_a_text_that_cannot_be_narrated_is_invalid(text: str, says: str) -> None:
    with pytest.raises(Invalid, match=says) as refused:
        when(cmd(UpdateSentence, sentence_id=sen(0, 0), text=text), given(written()))
    assert refused.value.field == "text"


def test_updating_or_deleting_an_unknown_sentence_is_not_found() -> None:
    with pytest.raises(NotFound):
        when(cmd(UpdateSentence, sentence_id=uuid4(), text="Hi."), given(written()))
    with pytest.raises(NotFound):
        when(cmd(DeleteSentence, sentence_id=uuid4()), given(written()))


def test_delete_removes_the_sentence_and_a_second_delete_is_not_found() -> None:
    state = given(written())
    events = when(cmd(DeleteSentence, sentence_id=sen(0, 1)), state)
    assert events == [
        SentenceDeleted(
            script_id=SID, project_id=PID, sentence_id=sen(0, 1), section_id=sec(0), deleted_at=NOW
        )
    ]
    state = fold(events, state)
    assert then_order(state)[0] == [sen(0, 0), sen(0, 2)]
    with pytest.raises(NotFound):
        when(cmd(DeleteSentence, sentence_id=sen(0, 1)), state)


# --- accepting an expansion ---------------------------------------------------------------


def test_accept_appends_at_the_end_by_default_with_ids_from_the_command() -> None:
    state = given(written())
    events = when(
        cmd(
            AcceptExpansion,
            section_id=sec(1),
            sentences=["One more.", "Two more."],
            command_id="acc-1",
        ),
        state,
    )
    [inserted] = events
    assert isinstance(inserted, SentencesInserted)
    assert inserted.position == 2
    assert [s.text for s in inserted.sentences] == ["One more.", "Two more."]
    assert [s.sentence_id for s in inserted.sentences] == [
        uuid5(SID, "acc-1:inserted:0"),
        uuid5(SID, "acc-1:inserted:1"),
    ]
    order = then_order(fold(events, state))[1]
    assert order[2:] == [s.sentence_id for s in inserted.sentences]


@pytest.mark.parametrize(("position", "lands"), [(0, 0), (1, 1), (2, 2), (3, 2), (500, 2)])
def test_accept_at_a_position_is_clamped_to_the_end(position: int, lands: int) -> None:
    state = given(written())
    [inserted] = when(
        cmd(AcceptExpansion, section_id=sec(1), sentences=["Extra."], position=position), state
    )
    assert isinstance(inserted, SentencesInserted)
    assert inserted.position == lands
    assert then_order(fold([inserted], state))[1].index(inserted.sentences[0].sentence_id) == lands


def test_accepting_an_empty_list_is_invalid() -> None:
    with pytest.raises(Invalid, match="at least one") as refused:
        when(cmd(AcceptExpansion, section_id=sec(0), sentences=[]), given(written()))
    assert refused.value.field == "sentences"


def test_accepting_a_blank_suggestion_names_it() -> None:
    with pytest.raises(Invalid) as refused:
        when(cmd(AcceptExpansion, section_id=sec(0), sentences=["Fine.", " "]), given(written()))
    assert refused.value.field == "sentences[1]"


def test_accepting_at_a_negative_position_or_into_an_unknown_section() -> None:
    with pytest.raises(Invalid):
        when(
            cmd(AcceptExpansion, section_id=sec(0), sentences=["A."], position=-2), given(written())
        )
    with pytest.raises(NotFound):
        when(cmd(AcceptExpansion, section_id=uuid4(), sentences=["A."]), given(written()))


# --- replacement and the generation lock --------------------------------------------------


def replace(source: str = "quick", job_id: UUID | None = None) -> ReplaceScript:
    return ReplaceScript(
        command_id="r1",
        now=NOW,
        project_id=PID,
        source=source,  # type: ignore[arg-type]
        sections=[section(0, 2)],
        provider_label="offline",
        job_id=job_id,
    )


def locked() -> ScriptGenerationStarted:
    return ScriptGenerationStarted(script_id=SID, project_id=PID, job_id=JOB, started_at=NOW)


def test_quick_generate_replaces_every_section() -> None:
    state = given(written((1, 1, 1)))
    events = when(replace(), state)
    assert isinstance(events[0], ScriptReplaced)
    assert then_order(fold(events, state)) == [[sen(0, 0), sen(0, 1)]]


def test_quick_generate_while_a_run_holds_the_script_is_a_conflict() -> None:
    with pytest.raises(Conflict, match=str(JOB)):
        when(replace(), given(written(), locked()))


def test_only_the_run_holding_the_script_may_replace_it_and_release_it() -> None:
    state = given(written(), locked())
    with pytest.raises(Conflict):
        when(replace("generation", uuid4()), state)
    events = when(replace("generation", JOB), state)
    end = EndGeneration("r1", NOW, PID, JOB, "completed")
    released = when(end, fold(events, state))
    assert released == [
        ScriptGenerationEnded(
            script_id=SID, project_id=PID, job_id=JOB, outcome="completed", ended_at=NOW
        )
    ]
    state = fold([*events, *released], state)
    assert state.generating is None
    assert when(end, state) == []  # a repeated release changes nothing

# ruff: noqa: RUF001  (CJK punctuation in test texts on purpose)
"""The Script decider, given/when/then, with the real sentence segmenter
(videogen_text.segmentation, pure). Its own cases are tested with the library; here it is
about sections, order, ids and the script's rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from script_service.domain.drafting import SENTENCE_CHARS, bounded, title_of
from script_service.domain.script import TEXT_MAX, decide, fold
from videogen_contracts.errors import Conflict, Invalid
from videogen_contracts.script.commands import DraftScriptFromText
from videogen_contracts.script.events import ScriptDrafted, ScriptEvent

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
SID = UUID("00000000-0000-4000-8000-000000000001")


def draft(text: str, **fields: Any) -> DraftScriptFromText:
    return DraftScriptFromText(
        command_id="c1", now=NOW, script_id=SID, project_id=SID, production_id=SID, text=text,
        **fields,
    )


def when(command: DraftScriptFromText, *history: ScriptEvent) -> list[ScriptEvent]:
    return decide(command, fold(history))


def drafted(text: str) -> ScriptDrafted:
    event = when(draft(text))[0]
    assert isinstance(event, ScriptDrafted)
    return event


def texts(event: ScriptDrafted) -> list[list[str]]:
    return [[n.text for n in s.sentences] for s in event.sections]


def test_paragraphs_become_sections_and_sentences_keep_their_order() -> None:
    event = drafted("One went. Two came.\n\n  \nDr. Three\nstayed. Four left! Five?\n")
    assert [s.order for s in event.sections] == [0, 1]
    assert texts(event) == [
        ["One went.", "Two came."], ["Dr. Three stayed.", "Four left!", "Five?"],
    ]
    assert [n.order for n in event.sections[1].sentences] == [0, 1, 2]
    assert event.sections[1].title == "Dr. Three stayed."
    assert (event.script_id, event.production_id, event.drafted_at) == (SID, SID, NOW)


def test_the_segmenter_keeps_abbreviations_decimals_quotes_and_cjk_together() -> None:
    event = drafted(
        'Pi is 3.14, e.g. in maths. "Is it?" she asked... Yes.\n\n東京は大きい。本当に！'
    )
    assert texts(event) == [
        ["Pi is 3.14, e.g. in maths.", '"Is it?" she asked...', "Yes."],
        ["東京は大きい。", "本当に！"],
    ]


def test_ids_are_derived_from_the_script_id_so_a_retry_gives_the_same_ones() -> None:
    first, again = drafted("One. Two.\n\nThree."), drafted("One. Two.\n\nThree.")
    assert first == again
    ids = [s.section_id for s in first.sections]
    ids += [n.sentence_id for s in first.sections for n in s.sentences]
    assert len(set(ids)) == len(ids)


def test_a_script_is_drafted_once() -> None:
    with pytest.raises(Conflict):
        when(draft("Again."), drafted("Once."))


@pytest.mark.parametrize("text", ["", "   \n\n  ", "!!! ... ???", "🎉 🚀\n\n✨"])
def test_text_with_nothing_to_speak_is_invalid(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        when(draft(text))
    assert caught.value.field == "text"


def test_text_over_the_limit_is_invalid() -> None:
    with pytest.raises(Invalid):
        when(draft("a" * (TEXT_MAX + 1)))


def test_unspeakable_pieces_stay_with_a_neighbour_and_empty_paragraphs_go() -> None:
    event = drafted("Hello there! 🎉🎉\n\n🚀🚀\n\nBye.")
    assert texts(event) == [["Hello there! 🎉🎉"], ["Bye."]]


def test_mixed_scripts_are_kept_as_they_are() -> None:
    text = "Hello 🎉 world. مرحبا بالعالم. Done."
    assert "".join(n for s in texts(drafted(text)) for n in s).replace(" ", "") == text.replace(
        " ", ""
    )


def test_a_run_on_sentence_is_cut_into_pieces_at_clauses_or_words() -> None:
    run_on = ", ".join(["the river kept running past the old mill"] * 40)
    pieces = bounded(run_on)
    assert all(len(p) <= SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces) == run_on
    assert all(p.endswith(",") for p in pieces[:-1])
    assert [len(p) for p in bounded("東" * 1000)] == [400, 400, 200]
    event = drafted(run_on + ".")
    assert len(event.sections[0].sentences) == len(pieces)


def test_titles_are_the_first_sentence_cut_on_a_word() -> None:
    assert title_of("Short.") == "Short."
    long = "word " * 30
    assert title_of(long).endswith("…")
    assert len(title_of(long)) <= 61

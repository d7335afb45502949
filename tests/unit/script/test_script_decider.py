"""The Script decider, given/when/then. The sentence splitter is a stand-in here (split
after ". "), so these tests are about sections, ids and rules; real segmentation is
tested with videogen_media.segmentation and end to end in tests/integration/script."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from script_service.domain.drafting import (
    SENTENCE_CHARS,
    bounded,
    paragraphs,
    speakable_sentences,
    title_of,
)
from script_service.domain.errors import Conflict, Invalid
from script_service.domain.script import TEXT_MAX, decide, fold
from videogen_contracts.script.commands import DraftScriptFromText
from videogen_contracts.script.events import ScriptDrafted, ScriptEvent

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
SID = UUID("00000000-0000-4000-8000-000000000001")


def stand_in_split(paragraph: str, language: str) -> Sequence[str]:
    pieces = paragraph.replace(". ", ".\x00").split("\x00")
    return [p for p in pieces if p]


def draft(text: str, **fields: Any) -> DraftScriptFromText:
    return DraftScriptFromText(
        command_id="c1", now=NOW, script_id=SID, project_id=SID, production_id=SID, text=text,
        **fields,
    )


def when(command: DraftScriptFromText, *history: ScriptEvent) -> list[ScriptEvent]:
    return decide(command, fold(history), stand_in_split)


def drafted(text: str) -> ScriptDrafted:
    event = when(draft(text))[0]
    assert isinstance(event, ScriptDrafted)
    return event


def test_paragraphs_become_sections_and_sentences_keep_their_order() -> None:
    event = drafted("One. Two.\n\n  \nThree. Four. Five.\n")
    assert [s.order for s in event.sections] == [0, 1]
    assert [[n.text for n in s.sentences] for s in event.sections] == [
        ["One.", "Two."], ["Three.", "Four.", "Five."],
    ]
    assert [n.order for n in event.sections[1].sentences] == [0, 1, 2]
    assert (event.script_id, event.production_id, event.drafted_at) == (SID, SID, NOW)


def test_ids_are_derived_from_the_script_id_so_a_retry_gives_the_same_ones() -> None:
    first, again = drafted("One. Two.\n\nThree."), drafted("One. Two.\n\nThree.")
    assert first == again
    ids = [first.sections[0].section_id, *(n.sentence_id for s in first.sections
                                           for n in s.sentences)]
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


def test_unspeakable_pieces_join_a_neighbour_and_are_not_lost() -> None:
    assert speakable_sentences(["🎉", "Hi  there.", "…", "Bye.\n"]) == ["🎉 Hi there. …", "Bye."]
    assert speakable_sentences(["!!!", "?"]) == []


def test_mixed_scripts_are_kept_as_they_are() -> None:
    event = drafted("東京は大きい。 Hello 🎉 world. مرحبا بالعالم.")
    texts = [n.text for s in event.sections for n in s.sentences]
    assert "".join(texts).replace(" ", "") == "東京は大きい。Hello🎉world.مرحبابالعالم."


def test_paragraph_and_title_helpers() -> None:
    assert paragraphs("a\r\n\r\nb\n \n\nc\nd") == ["a", "b", "c\nd"]
    assert title_of("Short.") == "Short."
    long = "word " * 30
    assert title_of(long).endswith("…")
    assert len(title_of(long)) <= 61


def test_a_run_on_sentence_is_cut_into_pieces_at_clauses_or_words() -> None:
    run_on = ", ".join(["the river kept running past the old mill"] * 40)
    pieces = bounded(run_on)
    assert all(len(p) <= SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces) == run_on
    assert all(p.endswith(",") for p in pieces[:-1])
    cjk = "東" * 1000
    assert [len(p) for p in bounded(cjk)] == [400, 400, 200]
    event = drafted(run_on + ".")
    assert len(event.sections[0].sentences) == len(pieces)

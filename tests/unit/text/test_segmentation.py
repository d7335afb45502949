# ruff: noqa: RUF001  (non-ASCII punctuation is what is under test)
"""Sentence segmentation: the cases a naive split on '. ' gets wrong."""

from __future__ import annotations

import pytest
from videogen_text.segmentation import is_speakable, split_paragraphs, split_sentences

CASES = [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Dr. Smith arrived. He sat down.", ["Dr. Smith arrived.", "He sat down."]),
    ("Mr. and Mrs. Jones left.", ["Mr. and Mrs. Jones left."]),
    (
        "Use tools, e.g. hammers and saws. Then rest.",
        ["Use tools, e.g. hammers and saws.", "Then rest."],
    ),
    ("Pi is 3.14 roughly. It never ends.", ["Pi is 3.14 roughly.", "It never ends."]),
    ("The U.S. economy grew. Prices rose.", ["The U.S. economy grew.", "Prices rose."]),
    ("We met at 5 p.m. and talked.", ["We met at 5 p.m. and talked."]),
    ("He said 'Hi.' then left.", ["He said 'Hi.' then left."]),
    ('She asked, "Why?" Nobody answered.', ['She asked, "Why?"', "Nobody answered."]),
    ("“It works.” She smiled.", ["“It works.”", "She smiled."]),
    ("And then... nothing happened. The end.", ["And then... nothing happened.", "The end."]),
    ("Wait… What was that?", ["Wait…", "What was that?"]),
    ("Really?! Yes.", ["Really?!", "Yes."]),
    (
        "今日は晴れです。明日は雨でしょう！本当？",
        ["今日は晴れです。", "明日は雨でしょう！", "本当？"],
    ),
    (
        "J. R. R. Tolkien wrote books. Many of them.",
        ["J. R. R. Tolkien wrote books.", "Many of them."],
    ),
    ("Visit example.com today. It is free.", ["Visit example.com today.", "It is free."]),
    ("مرحبا بكم. هذا اختبار.", ["مرحبا بكم.", "هذا اختبار."]),
    ("I love pizza 🍕. It is great!", ["I love pizza 🍕.", "It is great!"]),
    ("Great news! 🎉🎉 We won.", ["Great news!", "🎉🎉 We won."]),
    ("No terminator at the end", ["No terminator at the end"]),
    ("Version 2.0 ships. Soon.", ["Version 2.0 ships.", "Soon."]),
    ("Hello!!! Anyone?", ["Hello!!!", "Anyone?"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "_"), CASES)
def test_nothing_is_lost(text: str, _: list[str]) -> None:
    assert "".join(split_sentences(text)).replace(" ", "") == text.replace(" ", "")


def test_unspeakable_piece_joins_its_neighbour() -> None:
    assert split_sentences("It ended. !!! ...") == ["It ended. !!! ..."]


def test_paragraphs_split_on_blank_lines_and_fold_newlines() -> None:
    text = "First line\ncontinues.\n\n  Second para.  \n \n\nThird."
    assert split_paragraphs(text) == ["First line continues.", "Second para.", "Third."]


@pytest.mark.parametrize(
    ("text", "speakable"),
    [
        ("hello", True),
        ("42", True),
        ("你好", True),
        ("...!?", False),
        ("🙂🎉", False),
        ("   ", False),
        ("— …", False),
        ("مرحبا", True),
    ],
)
def test_is_speakable(text: str, speakable: bool) -> None:
    assert is_speakable(text) is speakable

"""Caption layout and files: measured with the real caption font, no renderer involved."""

from __future__ import annotations

import itertools
import re

import pytest
from videogen_media.caption_layout import clean_caption_text, tokens, wrap
from videogen_media.captions import (
    BlankCaption,
    CaptionCue,
    CaptionStyle,
    TimedSentence,
    ass_change_times,
    build_cues,
    change_times,
    to_ass,
    to_srt,
)
from videogen_media.fonts import CaptionFont, find_caption_font

LONG = (
    "The expedition crossed the frozen plateau in three days, carrying instruments, "
    "food and fuel for the long weeks of measurements that waited for them at the camp "
    "near the edge of the glacier, where the ice meets the dark and restless sea."
)


@pytest.fixture(scope="module")
def font() -> CaptionFont:
    return find_caption_font()


@pytest.fixture(scope="module")
def style() -> CaptionStyle:
    return CaptionStyle.for_frame(1280, 720)


def test_long_sentence_becomes_several_cues_of_at_most_two_fitting_lines(
    font: CaptionFont, style: CaptionStyle
) -> None:
    cues = build_cues([TimedSentence(LONG, 2.0, 14.0)], font, style)
    face = font.measure(style.font_size)
    assert len(cues) >= 2
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(face.getlength(line) <= style.line_width for line in cue.lines)
    assert " ".join(c.text for c in cues) == LONG


def test_cues_stay_inside_their_sentence_window_and_follow_each_other(
    font: CaptionFont, style: CaptionStyle
) -> None:
    sentences = [
        TimedSentence(LONG, 0.0, 11.337),
        TimedSentence("Short one.", 11.337, 12.001),
        TimedSentence(LONG, 12.001, 25.5),
    ]
    cues = build_cues(sentences, font, style)
    for cue in cues:
        window = sentences[cue.sentence_index]
        assert window.start <= cue.start < cue.end <= window.end
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))


def test_chunk_time_is_proportional_to_its_length(font: CaptionFont, style: CaptionStyle) -> None:
    cues = build_cues([TimedSentence(LONG, 0.0, 30.0)], font, style)
    per_char = [(c.end - c.start) / len("".join(c.lines)) for c in cues]
    assert max(per_char) - min(per_char) < 0.02


def test_cjk_without_spaces_wraps_by_characters(font: CaptionFont, style: CaptionStyle) -> None:
    text = "这是一个没有空格的很长的中文句子" * 6
    cues = build_cues([TimedSentence(text, 0.0, 10.0)], font, style)
    assert "".join("".join(c.lines) for c in cues) == text
    assert all(len(c.lines) <= 2 for c in cues)
    assert len(cues) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا بالعالم، هذه جملة عربية طويلة نوعا ما لاختبار الالتفاف",
        "שלום עולם, זה משפט בעברית",
        "Mixed 中文 and العربية with emoji 😀🎬👩‍👩‍👧 inside",
        "👍🏽🔥🔥🔥",
    ],
)
def test_rtl_and_emoji_do_not_crash(font: CaptionFont, style: CaptionStyle, text: str) -> None:
    cues = build_cues([TimedSentence(text, 1.0, 4.0)], font, style)
    assert cues
    assert "".join(c.text for c in cues).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u2060", "\n\t"])
def test_a_blank_caption_raises(font: CaptionFont, style: CaptionStyle, text: str) -> None:
    with pytest.raises(BlankCaption):
        build_cues([TimedSentence(text, 0.0, 1.0)], font, style)


def test_a_cue_cannot_be_built_blank() -> None:
    with pytest.raises(BlankCaption):
        CaptionCue(0.0, 1.0, ("  ",), 0)


def test_an_empty_narration_window_raises(font: CaptionFont, style: CaptionStyle) -> None:
    with pytest.raises(ValueError, match="window"):
        build_cues([TimedSentence("Hello.", 2.0, 2.0)], font, style)


def test_srt_is_numbered_with_millisecond_times(font: CaptionFont, style: CaptionStyle) -> None:
    cues = build_cues([TimedSentence("Hello there.", 61.5, 63.25)], font, style)
    assert to_srt(cues) == "1\n00:01:01,500 --> 00:01:03,250\nHello there.\n"


def test_ass_escapes_override_blocks_and_sets_the_frame(
    font: CaptionFont, style: CaptionStyle
) -> None:
    cues = build_cues([TimedSentence(r"Use {\b1} and C:\New", 0.0, 2.0)], font, style)
    ass = to_ass(cues, font.family, style)
    assert "PlayResX: 1280\nPlayResY: 720" in ass
    dialogue = ass.splitlines()[-1]
    text = dialogue.split(",Default,,0,0,0,,", 1)[1]
    assert "\\{" in text
    assert "\\}" in text
    assert "\\N" not in text  # the literal "\New" must not become a line break
    assert re.search(rf"Style: Default,{re.escape(font.family)},{style.font_size},", ass)


@pytest.mark.parametrize(("w", "h"), [(1280, 720), (720, 1280), (720, 720), (1920, 1080)])
def test_style_scales_with_the_frame(w: int, h: int) -> None:
    style = CaptionStyle.for_frame(w, h)
    assert style.font_size == round(min(w, h) * 0.06)
    assert 0 < style.line_width < w
    assert style.margin_v >= round(h * 0.07)


def test_cleaning_and_tokens() -> None:
    assert clean_caption_text(" a\u0007b \n c\u200b ") == "ab c"
    assert tokens("ab 中文 cd") == ["ab ", "中", "文 ", "cd"]
    assert wrap("aaaa bbbb", lambda s: float(len(s)), 4) == ["aaaa", "bbbb"]
    assert wrap("abcdefgh", lambda s: float(len(s)), 3) == ["abc", "def", "gh"]


def test_cjk_runs_are_drawn_with_the_cjk_font(font: CaptionFont, style: CaptionStyle) -> None:
    assert font.cjk is not None
    cues = build_cues([TimedSentence("Tokyo 東京の夜 and more", 0.0, 2.0)], font, style)
    ass = to_ass(cues, font.family, style, font.cjk.family)
    dialogue = ass.splitlines()[-1]
    assert f"Tokyo {{\\fn{font.cjk.family}}}東京の夜{{\\fn{font.family}}} and more" in dialogue
    assert "\\fn" not in to_ass(cues, font.family, style)  # no fallback named: none used


def test_the_change_times_of_an_ass_are_its_cue_edges(
    font: CaptionFont, style: CaptionStyle
) -> None:
    cues = build_cues(
        [TimedSentence(LONG, 0.0, 11.337), TimedSentence("Short, one.", 11.337, 12.5)], font, style
    )
    assert ass_change_times(to_ass(cues, font.family, style)) == change_times(cues)
    animated = to_ass(cues, font.family, style).replace(",,Short", ",,{\\fad(200,200)}Short")
    assert ass_change_times(animated) is None  # every frame must then reach libass

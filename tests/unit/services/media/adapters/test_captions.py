"""Caption layout and files: wrapping by glyph width, chunks of two lines, cues inside windows."""

from __future__ import annotations

import uuid

import pytest
from media_service.adapters.captions import AssCaptioner
from media_service.workers.ports import StageFailed, TimedSentence
from videogen_contracts.media.events import FrameSettings
from videogen_media.caption_layout import (
    chunk_lines,
    clean_caption_text,
    split_window,
    tokens,
    wrap,
)
from videogen_media.fonts import find_caption_font


def chars(text: str) -> float:
    """A monospace measure: one unit per character."""
    return float(len(text))


def test_words_wrap_greedily_by_width() -> None:
    assert wrap("the quick brown fox jumps", chars, 10) == ["the quick", "brown fox", "jumps"]


def test_cjk_breaks_between_characters() -> None:
    assert tokens("我们去北京") == ["我", "们", "去", "北", "京"]
    assert wrap("我们去北京看长城", chars, 3) == ["我们去", "北京看", "长城"]


def test_a_word_wider_than_a_line_is_cut() -> None:
    assert wrap("supercalifragilistic", chars, 8) == ["supercal", "ifragili", "stic"]


def test_chunks_hold_at_most_two_lines() -> None:
    assert chunk_lines(["a", "b", "c", "d", "e"], chars, 10) == [["a", "b"], ["c", "d"], ["e"]]


def test_the_window_is_shared_by_length_and_ends_exactly() -> None:
    assert split_window(1.0, 4.0, [1, 2]) == [(1.0, 2.0), (2.0, 4.0)]


def test_control_characters_and_ass_syntax_never_reach_the_file(captioner: AssCaptioner) -> None:
    # Control characters go; braces and backslashes stay as typed (the caption shows
    # them), and the .ass carries them escaped, so none can start an override block.
    assert clean_caption_text("a\u0000b {\\b1}x\u200b\n y") == "ab {\\b1}x y"
    files = captioner.build([sentence("a\u0000b {\\b1}x", 0.0, 1.0)], FrameSettings(), "en")
    assert files.ass.splitlines()[-1].endswith(",,ab \\{\\\u2060b1\\}x")
    assert files.cues[0].text == "ab {\\b1}x"
    # Emoji sequences keep their joiner.
    assert clean_caption_text("👩\u200d💻") == "👩\u200d💻"


@pytest.fixture(scope="module")
def captioner() -> AssCaptioner:
    return AssCaptioner(find_caption_font())


def sentence(text: str, start: float, end: float) -> TimedSentence:
    return TimedSentence(uuid.uuid4(), text, start, end)


LONG = (
    "The river starts as a trickle high in the mountains, and then it keeps going down "
    "through the valleys for a very long time until at last it reaches the sea."
)


@pytest.mark.parametrize(
    "frame",
    [FrameSettings(), FrameSettings(aspect="9:16", width=720, height=1280),
     FrameSettings(aspect="1:1", width=1080, height=1080)],
)
def test_cues_stay_inside_their_sentence_and_lines_fit(
    captioner: AssCaptioner, frame: FrameSettings
) -> None:
    sentences = [sentence(LONG, 0.0, 7.333), sentence("Short one.", 7.333, 8.5)]
    files = captioner.build(sentences, frame, "en")
    assert len(files.cues) >= 3
    windows = {s.sentence_id: (s.start_s, s.end_s) for s in sentences}
    for cue in files.cues:
        low, high = windows[cue.sentence_id]
        assert low <= cue.start_s < cue.end_s <= high
    dialogue = [line for line in files.ass.splitlines() if line.startswith("Dialogue:")]
    assert len(dialogue) == len(files.cues)
    assert all(line.count("\\N") <= 1 for line in dialogue)  # at most two lines each
    assert f"PlayResX: {frame.width}" in files.ass
    assert files.srt.startswith("1\n00:00:00,000 --> ")


def test_mixed_scripts_are_laid_out(captioner: AssCaptioner) -> None:
    text = "我们去北京看长城。 مرحبا بالعالم 😀👍🏽"
    files = captioner.build([sentence(text, 0.0, 2.0)], FrameSettings(), "zh")
    assert "我们去北京看长城" in files.ass
    assert files.cues[0].end_s == 2.0


def test_a_blank_caption_does_not_pass_silently(captioner: AssCaptioner) -> None:
    with pytest.raises(StageFailed, match="no visible caption text"):
        captioner.build([sentence("\u200b \n", 0.0, 1.0)], FrameSettings(), "en")

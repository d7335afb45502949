"""Word-timed captions: the look from the options, the cues, the events, SRT and WebVTT."""

from __future__ import annotations

import re

import pytest
from videogen_contracts.media.events import CaptionOptions
from videogen_media.captions import BlankCaption, ass_change_times
from videogen_media.fonts import find_caption_font
from videogen_media.word_captions import (
    CaptionLook,
    TimedText,
    build_captions,
    resolve_look,
    segment_ass,
)
from videogen_text.words import WordTiming

FONT = find_caption_font()
TEXT = "Honeybees visit thousands of flowers every single day in the warm sun."


def spoken(text: str, start: float, step: float = 0.4) -> TimedText:
    words = [
        WordTiming(w, start + i * step, start + i * step + step * 0.8)
        for i, w in enumerate(text.split())
    ]
    return TimedText(text, start, start + len(words) * step + 0.2, words)


def look(
    style: str = "karaoke", width: int = 1280, height: int = 720, **options: object
) -> CaptionLook:
    return resolve_look(CaptionOptions(style=style, **options), width=width, height=height)  # type: ignore[arg-type]


def dialogue(ass: str) -> list[str]:
    return [line for line in ass.splitlines() if line.startswith("Dialogue:")]


def test_defaults_suit_the_aspect() -> None:
    wide = resolve_look(CaptionOptions(), width=1280, height=720)
    tall = resolve_look(CaptionOptions(), width=720, height=1280)
    assert (wide.style, wide.position) == ("classic", "bottom")
    assert (tall.style, tall.position) == ("word_by_word", "center")
    assert tall.font_size > wide.font_size  # large for the shorts style
    assert tall.max_words == 3
    chosen = resolve_look(CaptionOptions(), width=1280, height=720, default_style="highlight")
    assert chosen.style == "highlight"


def test_options_override_and_scale() -> None:
    base = look("classic")
    chosen = look(
        "classic",
        size=1.5,
        color="#00ff00",
        highlight_color="#ff00aa",
        outline=6,
        max_words=4,
        position="top",
    )
    assert chosen.font_size == pytest.approx(base.font_size * 1.5, abs=1)
    assert (chosen.color, chosen.highlight, chosen.position, chosen.max_words) == (
        "#00FF00",
        "#FF00AA",
        "top",
        4,
    )
    assert chosen.outline == 6  # pixels at 720p
    assert look("classic", height=1440, width=2560, outline=6).outline == 12


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"size": 3.0}, "captions.size"), ({"color": "red"}, "captions.color"),
        ({"highlight_color": "#12345"}, "captions.highlight_color"),
        ({"outline": 9}, "captions.outline"),
        ({"max_words": 0}, "captions.max_words"), ({"style": "fancy"}, "captions.style"),
        ({"position": "left"}, "captions.position"),
    ],
)  # fmt: skip
def test_a_bad_option_is_named(options: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=re.escape(named)):
        resolve_look(CaptionOptions(**options), width=1280, height=720)  # type: ignore[arg-type]


def test_karaoke_lights_each_word_in_turn_with_static_events() -> None:
    sentence = spoken(TEXT, 2.0)
    files = build_captions([sentence], FONT, look("karaoke"))
    events = dialogue(files.ass)
    assert len(events) == len(TEXT.split())  # one state per word
    assert ass_change_times(files.ass) == files.change_times  # no animation tag anywhere
    lit = [re.search(r"\{\\c&H00D4FF&\}([^{]+)", e) for e in events]
    assert [m.group(1) if m else None for m in lit] == TEXT.split()
    # each state starts when its word is spoken (the first when the sentence starts)
    starts = [float(e.split(",")[1].split(":")[2]) for e in events]
    assert starts == pytest.approx([2.0] + [w.start for w in sentence.words[1:]], abs=0.006)  # type: ignore[index]
    assert files.change_times[0] == 2.0
    assert files.change_times[-1] == pytest.approx(sentence.end, abs=0.01)


def test_classic_cues_tile_the_sentence_and_break_where_words_are_spoken() -> None:
    sentence = spoken(TEXT + " " + TEXT, 0.0)
    files = build_captions([sentence], FONT, look("classic", max_words=6))
    assert len(files.cues) >= 2
    assert files.cues[0].start == 0.0
    assert files.cues[-1].end == pytest.approx(sentence.end, abs=0.01)
    for a, b in zip(files.cues, files.cues[1:], strict=False):
        assert a.end == b.start  # no blink between two screens of a sentence
        first_word = b.lines[0].split()[0]
        index = next(
            i
            for i, w in enumerate(sentence.words or [])
            if w.word == first_word and abs(w.start - b.start) < 0.01
        )
        assert index > 0
    assert all(len(line.split()) <= 6 for cue in files.cues for line in cue.lines)
    assert len(dialogue(files.ass)) == len(files.cues)


def test_word_by_word_shows_a_few_words_and_ends_a_group_at_a_phrase() -> None:
    files = build_captions(
        [spoken("One, two three four five six seven.", 0.0)], FONT, look("word_by_word")
    )
    shown = [cue.text for cue in files.cues]
    assert shown == ["One,", "two three four", "five six seven."]


def test_highlight_puts_a_box_layer_under_the_text_layer() -> None:
    files = build_captions([spoken("The quick brown fox", 0.0)], FONT, look("highlight"))
    events = dialogue(files.ass)
    assert len(events) == 8  # a box event and a text event per word
    boxes = [e for e in events if ",Box," in e]
    assert all(e.startswith("Dialogue: 0,") for e in boxes)
    assert re.search(r"\{\\3a&H00&\}quick", boxes[1])  # only the lit word's box is opaque


def test_words_are_matched_by_characters_not_by_position() -> None:
    """The engine split "don't", spelled out 20 and dropped the dash: the units still get
    the right times, and no word is lit before it is spoken."""
    words = [
        WordTiming("I", 0.0, 0.2), WordTiming("do", 0.3, 0.4), WordTiming("n't", 0.4, 0.5),
        WordTiming("need", 0.6, 0.9), WordTiming("twenty", 1.0, 1.4), WordTiming("bees", 1.5, 1.9),
    ]  # fmt: skip
    files = build_captions(
        [TimedText("I don't need 20 bees —", 0.0, 2.0, words)], FONT, look("karaoke")
    )
    lit = {
        m.group(1): e.split(",")[1]
        for e in dialogue(files.ass)
        if (m := re.search(r"\{\\c&H00D4FF&\}([^{]+)", e))
    }
    assert lit["don't"] == "0:00:00.30"
    assert lit["need"] == "0:00:00.60"
    assert lit["20"] == "0:00:01.00"
    assert lit["bees —"] == "0:00:01.50"


def test_without_words_the_sentence_window_is_shared_by_length() -> None:
    files = build_captions(
        [TimedText("short and a muchlongerword", 0.0, 3.0)], FONT, look("karaoke")
    )
    starts = [e.split(",")[1] for e in dialogue(files.ass)]
    assert starts == sorted(starts)
    assert len(starts) == 4


def test_srt_and_vtt_carry_the_cues_and_the_vtt_its_word_times() -> None:
    files = build_captions(
        [spoken("The quick brown fox", 1.0), spoken("jumps & runs <fast>", 3.0)],
        FONT,
        look("karaoke"),
    )
    assert files.srt.startswith("1\n00:00:01,000 --> ")
    assert files.vtt.startswith("WEBVTT\n")
    assert "The <00:00:01.400>quick <00:00:01.800>brown <00:00:02.200>fox" in files.vtt
    assert "jumps <00:00:03.400>&amp; <00:00:03.800>runs <00:00:04.200>&lt;fast&gt;" in files.vtt
    stamps = re.findall(r"(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})", files.vtt)
    assert stamps[0] == ("00:00:01.000", "00:00:02.800")


def test_lines_take_their_direction_from_their_text() -> None:
    """Encoding -1: libass's auto base direction (an Arabic line right-to-left)."""
    files = build_captions(
        [spoken("القاهرة هي عاصمة مصر.", 0.0), spoken("Cairo is big.", 3.0)],
        FONT,
        look("highlight"),
    )
    styles = [line for line in files.ass.splitlines() if line.startswith("Style:")]
    assert len(styles) == 2
    assert all(line.endswith(",-1") for line in styles)
    texts = [e for e in dialogue(files.ass) if ",Caption," in e]
    assert "\\fnNoto Sans Arabic" in texts[0]
    assert "\\fn" not in texts[-1]


def test_characters_no_font_draws_are_dropped_and_reported() -> None:
    files = build_captions([spoken("Bees 🐝 make honey 🍯.", 0.0)], FONT, look("classic"))
    assert files.cues[0].text == "Bees make honey ."
    assert any("U+1F41D" in p and "U+1F36F" in p for p in files.checks.problems)
    cjk = build_captions([spoken("東京は日本の首都です。", 0.0)], FONT, look("classic"))
    assert "\\fnNoto Sans CJK JP" in cjk.ass
    with pytest.raises(BlankCaption):
        build_captions([spoken("🐝 🍯", 0.0)], FONT, look("classic"))


def test_checks_find_captions_outside_the_band() -> None:
    files = build_captions([spoken(TEXT, 0.0)], FONT, look("classic"))
    assert files.checks.inside_safe_area
    assert files.checks.no_overflow
    assert files.checks.lines == 1
    huge = build_captions(
        [spoken(TEXT, 0.0)], FONT, look("classic", size=2.0, position="top", max_words=12)
    )
    assert not huge.checks.inside_safe_area
    assert any("outside the safe area" in p for p in huge.checks.problems)


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError, match="empty narration window"):
        build_captions([TimedText("Hi", 1.0, 1.0)], FONT, look("classic"))


def test_segment_ass_keeps_the_overlapping_events_retimed() -> None:
    files = build_captions([spoken(TEXT, 0.0), spoken(TEXT, 6.0)], FONT, look("karaoke"))
    part = segment_ass(files.ass, 4.5, 7.0)
    assert part.split("[Events]")[0] == files.ass.split("[Events]")[0]
    times = ass_change_times(part)
    assert times is not None
    assert times[0] == 0.0
    assert times[-1] == 2.5
    inside = [t - 4.5 for t in files.change_times if 4.5 < t < 7.0]
    assert all(any(abs(t - s) < 0.006 for s in times) for t in inside)
    with pytest.raises(ValueError, match="end after"):
        segment_ass(files.ass, 2.0, 2.0)

"""Words on screen: a sentence's text cut into timed units, laid into lines and screens.

A unit is what one caption state lights up: a word as the text writes it (CJK: the
characters the timing counts as one word). Its time comes from the narration's word
timings matched to the text CHARACTER BY CHARACTER (difflib over case-folded, space-less
characters), so the match survives words the engine split or joined differently ("don't",
"東京は"), punctuation it dropped and numbers it spelled out (a replaced span is shared in
proportion). Without timings, units share the sentence window by length, as classic
captions always did.

A screen is what stays up while its words are spoken: one or two lines (line styles) or a
few words (word_by_word). The screens of a sentence tile its window with no gap, so the
caption never blinks off between two of its own words.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from videogen_text.words import WordTiming

from videogen_media.caption_layout import Measure, cjk_runs, split_window, tokens, wrap

# Latin, Arabic and CJK (full-width) phrase ends.
_PHRASE_END = frozenset(",.;:!?\u2026\u060c\u061b\u061f\u3002\u3001\uff01\uff1f\uff1b\uff1a")


@dataclass(frozen=True, slots=True)
class Unit:
    text: str  # as displayed, no surrounding space
    start: float
    end: float
    space_after: bool


@dataclass(frozen=True, slots=True)
class Screen:
    start: float
    end: float
    lines: tuple[tuple[Unit, ...], ...]
    sentence_index: int

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(itertools.chain.from_iterable(self.lines))

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(line_text(line) for line in self.lines)


def line_text(line: Sequence[Unit]) -> str:
    return "".join(u.text + (" " if u.space_after else "") for u in line).rstrip()


def _char_owners(pieces: Sequence[str]) -> tuple[list[str], list[int]]:
    chars, owners = [], []
    for index, piece in enumerate(pieces):
        for ch in piece:
            if not ch.isspace():
                chars.append(ch.casefold())
                owners.append(index)
    return chars, owners


def _word_of_tokens(toks: Sequence[str], words: Sequence[WordTiming]) -> list[set[int]] | None:
    """For each token, the indices of the timed words its characters were matched to."""
    text_chars, text_owner = _char_owners(toks)
    word_chars, word_owner = _char_owners([w.word for w in words])
    if not text_chars or not word_chars:
        return None
    matcher = SequenceMatcher(None, text_chars, word_chars, autojunk=False)
    if sum(b.size for b in matcher.get_matching_blocks()) < 0.3 * len(text_chars):
        return None  # another text altogether: its times would mislead
    owned: list[set[int]] = [set() for _ in toks]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            if tag == "equal":
                j = j1 + k - i1
            elif tag == "replace":
                j = j1 + (k - i1) * (j2 - j1) // (i2 - i1)
            else:  # written but not spoken (a dropped symbol): it goes with the word before
                j = max(j1 - 1, 0)
            owned[text_owner[k]].add(word_owner[min(j, len(word_chars) - 1)])
    return owned


def timed_units(
    text: str, start: float, end: float, words: Sequence[WordTiming] | None
) -> list[Unit]:
    """The units of `text` (clean, drawable) with their times inside [start, end]."""
    toks = tokens(text)
    owned = _word_of_tokens(toks, words) if words else None
    if owned is None or words is None:
        windows = split_window(start, end, [len(t.strip()) + 1 for t in toks])
        estimated: list[Unit] = []
        for tok, (t0, t1) in zip(toks, windows, strict=True):
            if estimated and not any(ch.isalnum() for ch in tok):
                # punctuation alone ("—", "。") is lit with the word before it
                last = estimated.pop()
                joined = last.text + (" " if last.space_after else "") + tok.strip()
                estimated.append(Unit(joined, last.start, t1, tok.endswith(" ")))
                continue
            estimated.append(Unit(tok.strip(), t0, t1, tok.endswith(" ")))
        return estimated
    units: list[Unit] = []
    keys: list[int] = []
    previous = start
    for tok, owners in zip(toks, owned, strict=True):
        first = min(owners) if owners else (keys[-1] if keys else 0)
        t0 = min(max(words[first].start, previous, start), end)
        t1 = min(max(max((words[i].end for i in owners), default=t0), t0), end)
        if units and keys[-1] == first:
            # Tokens of one timed word are one unit: the CJK characters of "東京", or a
            # dash nobody speaks (lit with the word before it, never on its own).
            last = units.pop()
            joined = last.text + (" " if last.space_after else "") + tok.strip()
            units.append(Unit(joined, last.start, max(last.end, t1), tok.endswith(" ")))
            continue
        units.append(Unit(tok.strip(), t0, t1, tok.endswith(" ")))
        keys.append(first)
        previous = t0
    return units


def _fit(units: Sequence[Unit], measure: Measure, max_width: float) -> list[Unit]:
    """Units wider than a line alone are cut by characters (caption_layout.wrap)."""
    out: list[Unit] = []
    for unit in units:
        if measure(unit.text) <= max_width:
            out.append(unit)
            continue
        pieces = wrap(unit.text, measure, max_width)
        out.extend(
            Unit(p, unit.start, unit.end, unit.space_after and i == len(pieces) - 1)
            for i, p in enumerate(pieces)
        )
    return out


def lay_lines(
    units: Sequence[Unit], measure: Measure, max_width: float, max_words: int
) -> list[tuple[Unit, ...]]:
    """Greedy fill by measured width and by count of words per line."""
    lines: list[tuple[Unit, ...]] = []
    line: list[Unit] = []
    for unit in _fit(units, measure, max_width):
        wider = measure(line_text([*line, unit])) > max_width
        if line and (words_in([*line, unit]) > max_words or wider):
            lines.append(tuple(line))
            line = []
        line.append(unit)
    if line:
        lines.append(tuple(line))
    return lines


def _balanced(
    pair: list[tuple[Unit, ...]], measure: Measure, max_width: float, max_words: int
) -> list[tuple[Unit, ...]]:
    """Two lines re-cut so both are about as wide (a long line over one word reads badly),
    and at a phrase's end when one is near: a cut after a comma or a full stop counts as a
    quarter of a line narrower."""
    if len(pair) != 2:
        return pair
    units = pair[0] + pair[1]
    best, best_score = pair, max(measure(line_text(line)) for line in pair)
    for cut in range(1, len(units)):
        first, second = units[:cut], units[cut:]
        if max(words_in(first), words_in(second)) > max_words:
            continue
        width = max(measure(line_text(first)), measure(line_text(second)))
        score = width - (0.25 * max_width if first[-1].text[-1:] in _PHRASE_END else 0.0)
        if width <= max_width and score < best_score - 0.5:
            best, best_score = [first, second], score
    return best


def _even_lines(
    units: Sequence[Unit], measure: Measure, max_width: float, max_words: int
) -> list[tuple[Unit, ...]]:
    """Lines of about equal length: the greedy fill's count of lines, re-laid narrower so
    the last line is not one word ("hive." alone on the sentence's last screen)."""
    greedy = lay_lines(units, measure, max_width, max_words)
    if len(greedy) < 2:
        return greedy
    width = measure(line_text(units)) / len(greedy)
    words = math.ceil(words_in(units) / len(greedy))
    for slack in (1.05, 1.15, 1.3):
        even = lay_lines(units, measure, min(max_width, width * slack), min(max_words, words + 1))
        if len(even) == len(greedy):
            return even
    return greedy


def words_in(units: Sequence[Unit]) -> float:
    """How many words `units` count for `max_words`: a CJK unit counts its characters by
    two (a Japanese word is two characters or so; per character, lines would be short)."""
    return sum(len(u.text) / 2 if cjk_runs(u.text)[0][1] else 1 for u in units)


def _groups(units: Sequence[Unit], max_words: int) -> list[list[Unit]]:
    """word_by_word: at most `max_words` words, and a phrase's end closes a group."""
    groups: list[list[Unit]] = [[]]
    for unit in units:
        groups[-1].append(unit)
        if words_in(groups[-1]) >= max_words or unit.text[-1:] in _PHRASE_END:
            groups.append([])
    return [g for g in groups if g]


def screens_of(
    units: Sequence[Unit],
    window: tuple[float, float],
    index: int,
    *,
    measure: Measure,
    max_width: float,
    max_words: int,
    few_words: bool,
) -> list[Screen]:
    """The screens of one sentence, tiling its window: each from its first word's start
    (the sentence's start for the first) to the next screen's start (its end for the last)."""
    if few_words:
        chunks = [lay_lines(g, measure, max_width, max_words) for g in _groups(units, max_words)]
    else:
        lines = _even_lines(units, measure, max_width, max_words)
        chunks = [
            _balanced(lines[i : i + 2], measure, max_width, max_words)
            for i in range(0, len(lines), 2)
        ]
    starts = [window[0]] + [chunk[0][0].start for chunk in chunks[1:]]
    ends = [*starts[1:], window[1]]
    return [
        Screen(s, e, tuple(chunk), index) for s, e, chunk in zip(starts, ends, chunks, strict=True)
    ]

"""Numbers in a sentence, as a stat card shows them: "3 million bees" → ("3M", "bees").

Digits ("60,000", "3.5", "45%", "$20", "20th", "1800s") and English number words ("one
hundred and twelve", "twenty") are found; a bare "one", "two" or "three" is not a stat (it
is too often a pronoun or a figure of speech: "one lays the eggs"), but "two hundred" is.
The label is the noun the number counts: up to three words after it, with "a", "per" or
"each" allowed inside ("2,000 eggs a day").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from videogen_text.stopwords import STOPWORDS

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX = {1_000_000_000: "B", 1_000_000: "M"}
_MORE = ("more than", "over", "above", "at least")
_LABEL_GLUE = frozenset({"a", "per", "each", "every", "an"})
_PERCENT_WORDS = ("percent", "per cent")

_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
# Number words joined by spaces, hyphens or "and" ("one hundred and twelve", "twenty-one").
_WORDS_RE = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)
# Digits with separators or a decimal, an optional currency, scale word, %, ordinal or "s".
_DIGITS_RE = re.compile(
    r"(?P<cur>[$€£¥])?(?P<num>\d{1,3}(?:[,\u202f\u00a0]\d{3})+|\d+(?:\.\d+)?)"
    r"(?P<tail>%|st\b|nd\b|rd\b|th\b|s\b)?"
    rf"(?:\s+(?P<scale>{'|'.join(_SCALES)})\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number found in a text: how to show it, what it counts, where it was."""

    figure: str
    label: str | None
    start: int  # the span of text the figure and its label came from
    end: int


def _words_value(phrase: str) -> int:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current


def _compact(value: float) -> str:
    """3_000_000 → "3M", 2_500_000_000 → "2.5B"; smaller numbers grouped: "60,000"."""
    for scale, suffix in _SUFFIX.items():
        if value >= scale:
            return f"{value / scale:.1f}".removesuffix(".0") + suffix
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _label(text: str, end: int) -> tuple[str | None, int]:
    """The counted noun after position `end`: one content word, with a rate after it or
    before it ("eggs a day", "a year"); a leading "of" is skipped ("45% of bees")."""
    words: list[tuple[str, int]] = []  # (word, where it ends), up to the next punctuation
    last = end
    for match in _WORD.finditer(text, end):
        if text[last : match.start()].strip() or len(words) == 4:
            break
        words.append((match.group().lower(), match.end()))
        last = match.end()
    first = 1 if words and words[0][0] == "of" else 0
    noun = first + (1 if len(words) > first and words[first][0] in _LABEL_GLUE else 0)
    if noun >= len(words) or _not_a_noun(words[noun][0]):
        return None, end
    stop = noun + 1
    rate = words[stop : stop + 2]
    if len(rate) == 2 and rate[0][0] in _LABEL_GLUE and not _not_a_noun(rate[1][0]):
        stop += 2
    label = " ".join(text[words[i][1] - len(words[i][0]) : words[i][1]] for i in range(first, stop))
    return label, words[stop - 1][1]


def _not_a_noun(word: str) -> bool:
    return word in STOPWORDS or word in _UNITS or word in _SCALES


def _more_than(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].lower().rstrip()
    return any(before.endswith(phrase) for phrase in _MORE)


def _from_digits(text: str, match: re.Match[str]) -> Figure:
    number, tail = match["num"], (match["tail"] or "")
    scale = match["scale"]
    value = float(re.sub(r"[,\u202f\u00a0]", "", number))
    after = text[match.end() :]
    percent = next((w for w in _PERCENT_WORDS if after.lower().lstrip().startswith(w)), None)
    end = match.end()
    if percent:
        tail = "%"
        end += after.lower().index(percent) + len(percent)
    if scale:
        shown = _compact(value * _SCALES[scale.lower()])
    elif tail.lower() in ("st", "nd", "rd", "th", "s"):
        shown = number + tail.lower()
    else:
        shown = number
    shown = (match["cur"] or "") + shown + ("%" if tail == "%" else "")
    if _more_than(text, match.start()):
        shown += "+"
    label, label_end = _label(text, end)
    return Figure(shown, label, match.start(), label_end)


def _from_words(text: str, match: re.Match[str]) -> Figure | None:
    phrase = match.group()
    value = _words_value(phrase)
    has_scale = any(w in _SCALES for w in phrase.lower().split())
    if value < 10 and not has_scale:
        return None
    shown = _compact(value) + ("+" if _more_than(text, match.start()) else "")
    label, label_end = _label(text, match.end())
    return Figure(shown, label, match.start(), label_end)


def find_figure(text: str) -> Figure | None:
    """The sentence's most telling number: one that counts something first, else the first."""
    found: list[Figure] = [_from_digits(text, m) for m in _DIGITS_RE.finditer(text)]
    for match in _WORDS_RE.finditer(text):
        figure = _from_words(text, match)
        if figure is not None:
            found.append(figure)
    if not found:
        return None
    found.sort(key=lambda f: (f.label is None, f.start))
    return found[0]

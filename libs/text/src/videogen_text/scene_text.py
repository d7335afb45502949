# ruff: noqa: RUF001  (quotation marks of several languages are the point of this module)
"""What a sentence's scene shows: its layout, headline, figure, quote or items.

The layout is chosen by what the sentence holds, in this order: the first sentence is
the video's title card; a quotation → a quote card; a number → a stat callout with a big
figure; "A versus B" (or "A and B" as the subject, or "between A and B") → a two-column
comparison; "x, y and z" → a list build; otherwise an icon scene of the key phrase. "icon"
means "try an icon": the designer (videogen_media.scene_design) turns it into "type", a
typographic card of the key phrase, when no icon matches. Pure: no I/O, no fonts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from videogen_text.figures import find_figure
from videogen_text.key_phrase import key_phrase
from videogen_text.keywords import content_words
from videogen_text.stopwords import STOPWORDS

Layout = Literal[
    "title",
    "icon",
    "stat",
    "quote",
    "compare",
    "list",
    "type",
]
MAX_KEYWORDS = 6
MAX_ITEMS = 5

_QUOTES = re.compile(r"“([^”]+)”|\"([^\"]+)\"|«([^»]+)»|„([^“”]+)[“”]|「([^」]+)」|‘([^’]+)’")
_REPORTING = frozenset(
    """
    said says wrote writes asked asks replied replies remarked noted notes once
    famously according to as put it in his her their words told tells
    """.split()  # noqa: SIM905
)
_VERSUS = re.compile(
    r"(?P<a>[^,;:.!?]+?)\s+(?:versus|vs\.?|v\.|compared (?:with|to)|against)\s+"
    r"(?P<b>[^,;:.!?]+)",
    re.IGNORECASE,
)
_ONE = r"(?:the\s+|a\s+|an\s+)?([^\W\d_]+(?:-[^\W\d_]+)?)"
_SUBJECT_PAIR = re.compile(rf"^(?:both\s+)?{_ONE}\s+and\s+{_ONE}\b", re.IGNORECASE)
_BETWEEN = re.compile(rf"\bbetween\s+{_ONE}\s+and\s+{_ONE}\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class SceneText:
    layout: Layout
    headline: str
    figure: str | None = None
    figure_label: str | None = None
    quote: str | None = None
    attribution: str | None = None
    items: tuple[str, ...] = ()  # a list's items, or a comparison's two sides
    keywords: tuple[str, ...] = ()


def keywords_of(text: str) -> tuple[str, ...]:
    """Content words in order, lower-cased, once each; an emoji counts as its name's words
    ("🐝" → "honeybee"), so a sentence of emoji still finds its icons."""
    named = "".join(
        f" {unicodedata.name(ch, '').lower()} " if unicodedata.category(ch) == "So" else ch
        for ch in text
    )
    out: list[str] = []
    for word in content_words(named):
        if len(word) > 2 and word not in out:
            out.append(word)
    return tuple(out[:MAX_KEYWORDS])


def _capital(text: str) -> str:
    text = text.strip(" ,;:.!?\"'“”")
    return text[:1].upper() + text[1:]


def _quote(text: str, keywords: tuple[str, ...]) -> SceneText | None:
    match = _QUOTES.search(text)
    if match is None:
        return None
    inner = next(g for g in match.groups() if g is not None).strip()
    if len(inner.split()) < 2 and len(inner) < 4:
        return None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    words = [w for w in _WORD.findall(rest) if w.lower() not in _REPORTING]
    attribution = " ".join(words) if 0 < len(words) <= 6 else None
    return SceneText(
        "quote",
        key_phrase(inner),
        quote=inner.strip(" ,"),
        attribution=attribution,
        keywords=keywords,
    )


def _side(words: str, *, last: bool) -> str | None:
    """The content words of a comparison's side nearest its connector (at most three)."""
    found = [w for w in _WORD.findall(words)]
    picked: list[str] = []
    for word in reversed(found) if last else found:
        if word.lower() in STOPWORDS:
            if picked:
                break
            continue
        picked.append(word)
        if len(picked) == 3:
            break
    if last:
        picked.reverse()
    return _capital(" ".join(picked)) if picked else None


def _compare(text: str, keywords: tuple[str, ...]) -> SceneText | None:
    pair: tuple[str | None, str | None] | None = None
    rest = text
    if match := _VERSUS.search(text):
        pair = (_side(match["a"], last=True), _side(match["b"], last=False))
        rest = text[match.end() :]
    elif (match := _SUBJECT_PAIR.match(text)) or (match := _BETWEEN.search(text)):
        a, b = match.group(1), match.group(2)
        if {a.lower(), b.lower()} & STOPWORDS or a.lower().endswith("ly"):
            return None
        pair = (_capital(a), _capital(b))
        rest = text[: match.start()] + " " + text[match.end() :]
    if pair is None or pair[0] is None or pair[1] is None:
        return None
    headline = key_phrase(rest) if len(_WORD.findall(rest)) >= 2 else ""
    return SceneText(
        "compare",
        headline or f"{pair[0]} and {pair[1]}",
        items=(pair[0], pair[1]),
        keywords=keywords,
    )


def _series(clause: str) -> tuple[str, list[str], str] | None:
    """("lead-in and first item", middle items, "last item …") of "x, y and z" in one
    clause, or None."""
    parts = [p.strip() for p in clause.split(",")]
    if len(parts) < 2 or not all(parts):
        return None
    last = parts[-1]
    for joiner in ("and ", "or "):
        if last.lower().startswith(joiner):  # the serial comma: "x, y, and z"
            return parts[0], parts[1:-1], last[len(joiner) :]
    match = re.search(r"\s(?:and|or)\s", last)
    if match is None:
        return None
    return parts[0], [*parts[1:-1], last[: match.start()]], last[match.end() :]


def _list(text: str, keywords: tuple[str, ...]) -> SceneText | None:
    for clause in re.split(r"[;:.!?]", text):
        found = _series(clause)
        if found is None:
            continue
        head, middle, tail = found
        lengths = [len(p.split()) for p in middle]
        # Items are short noun phrases; with a single comma ("x, y and z") a middle item
        # with a function word ("checking the lens") is a clause, not an item.
        if not middle or max(lengths) > 4:
            continue
        if len(middle) == 1 and (
            lengths[0] > 2 or any(w.lower() in STOPWORDS for w in middle[0].split())
        ):
            continue
        width = max(lengths)
        head_words = head.split()
        first = _side(" ".join(head_words[-width:]), last=True)
        last = _side(tail, last=False)
        items = [i for i in (first, *(_capital(m) for m in middle), last) if i]
        if len(items) < 3:
            continue
        lead = " ".join(head_words[:-width])
        headline = key_phrase(lead) if _WORD.findall(lead) else ""
        return SceneText(
            "list", headline or items[0], items=tuple(items[:MAX_ITEMS]), keywords=keywords
        )
    return None


def _stat(text: str, keywords: tuple[str, ...]) -> SceneText | None:
    figure = find_figure(text)
    if figure is None:
        return None
    rest = (text[: figure.start].rstrip() + " , " + text[figure.end :].lstrip()).strip(" ,")
    headline = key_phrase(rest)
    return SceneText(
        "stat",
        headline or (figure.label or figure.figure),
        figure=figure.figure,
        figure_label=figure.label,
        keywords=keywords,
    )


def analyse(text: str, *, first: bool) -> SceneText:
    """The scene for one sentence; `first`: the video's opening sentence (a title card)."""
    text = " ".join(text.split())
    keywords = keywords_of(text)
    headline = key_phrase(text)
    if not any(ch.isalnum() for ch in headline):  # emoji only: say what they show
        headline = _capital(" ".join(keywords[:2]))
    if first:
        return SceneText("title", headline, keywords=keywords)
    for candidate in (_quote, _stat, _compare, _list):
        found = candidate(text, keywords)
        if found is not None:
            return found
    return SceneText("icon" if keywords else "type", headline, keywords=keywords)

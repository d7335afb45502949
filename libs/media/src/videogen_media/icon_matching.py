"""Matching a sentence's words to icons: an index of stemmed tags, and a deterministic ranking.

Pure (no I/O): `TagIndex` is built once from the icons, `match_words` ranks per call.
Scores, highest first: a word (or two adjacent words) equal to an icon's whole name; one word
of a longer name; a search term (Font Awesome's, its former names, ours); a word of a search
term; a category. A synonym scores a little less than the word itself, and less the further
down its table row it is. Other words of the sentence that also describe an icon add a small
bonus, which settles ties by context ("bank" near "money" and "coins").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from videogen_text.keywords import content_words, sense, stem, synonyms

from videogen_media.icon_types import Icon, IconMatch
from videogen_media.icon_words import (
    COMMON_BRANDS,
    META,
    NOT_PEOPLE,
    PEOPLE,
    TIMEISH,
    TIMEISH_WEIGHT,
    VAGUE,
    VARIANT,
    foreign,
    vague,
    verbish,
)

NAME, TERM = 1.0, 0.6
PERSON_NAME = 0.95  # "astronaut" for user-astronaut, "running" for person-running
NAME_PART, TERM_PART, CATEGORY = 0.7, 0.35, 0.32
BRAND = 0.9  # a brand's exact name (ordinary words excluded): the logo is meant
SYNONYM, SYNONYM_STEP = 0.85, 0.02  # the n-th synonym's hits score (SYNONYM - n * STEP) of a hit
PHRASE = 1.1  # two adjacent words naming an icon ("solar panel") beat either word alone
# Above TERM_PART and CATEGORY: a word of a longer term ("pocket" of "pocket calculator") or a
# category counts only when another word of the sentence also describes that icon.
MIN_SCORE = 0.36
WORST_RATIO = 0.7  # a word's icon scores at least this fraction of its best: no poor fallbacks
_CONTEXT_BONUS, _CONTEXT_CAP = 0.04, 0.12

_Scored = tuple[int, str, float, int]  # (icon position, tag, score, words it pictures: 1 or 2)


@dataclass(frozen=True, slots=True)
class _Hit:
    icon: int  # position in TagIndex.icons
    tag: str
    base: float


def _key(phrase: str) -> str:
    """A tag or query as stems joined by spaces: "Solar Panels" → "solar panel"."""
    return " ".join(stem(w) for w in phrase.lower().replace("-", " ").split())


class TagIndex:
    """Stemmed tags → icons, with each icon's stem vocabulary for context bonuses."""

    def __init__(self, icons: Sequence[Icon]) -> None:
        self.icons = tuple(icons)
        self.by_id = {icon.id: i for i, icon in enumerate(self.icons)}
        self.hits: dict[str, list[_Hit]] = {}
        self.vocab = [self._add(i, icon) for i, icon in enumerate(self.icons)]
        for hits in self.hits.values():  # best first, then by id: a stable order for equal scores
            hits.sort(key=lambda h: (-h.base, self.icons[h.icon].id))

    def _put(self, key: str, hit: _Hit) -> None:
        if key:
            self.hits.setdefault(key, []).append(hit)

    def _add(self, i: int, icon: Icon) -> frozenset[str]:
        tokens = icon.id.split("-")
        if icon.brand:
            if len(tokens) == 1 and icon.id not in COMMON_BRANDS:
                self._put("brand:" + icon.id, _Hit(i, icon.id, BRAND))
            return frozenset()
        self._put(_key(icon.id), _Hit(i, icon.id, NAME))
        if "-" in icon.id:  # closed compounds name it too: "lightbulb" and "light bulb"
            self._put(stem(icon.id.replace("-", "")), _Hit(i, icon.id, NAME))
        vocab = {stem(t) for t in tokens}
        if len(tokens) == 2 and tokens[0] in PEOPLE and tokens[1] not in VARIANT | NOT_PEOPLE:
            self._put(stem(tokens[1]), _Hit(i, icon.id, PERSON_NAME))
        if len(tokens) > 1:
            variants = sum(t in VARIANT for t in tokens)
            part = NAME_PART - 0.05 * (len(tokens) - 2) - 0.15 * variants
            for token in tokens:
                if len(token) >= 3 and token not in VARIANT and not token.isdigit():
                    self._put(stem(token), _Hit(i, icon.id, part))
        for term in icon.terms:
            words = term.replace("-", " ").split()
            vocab.update(stem(w) for w in words)
            self._put(_key(term), _Hit(i, term, TERM))
            for word in words if len(words) > 1 else ():
                if len(word) >= 3 and word not in VAGUE:
                    self._put(stem(word), _Hit(i, term, TERM_PART))
        for category in icon.categories:
            for word in category.split("-"):
                vocab.add(stem(word))
                self._put(stem(word), _Hit(i, category, CATEGORY))
        return frozenset(vocab)


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    position: int  # the word's place in the sentence: earlier words win ties
    icon: int
    word: str
    tag: str
    covers: tuple[str, ...]  # stems of the words it pictures: two for a phrase ("credit card")


def match_words(
    index: TagIndex, text: str, *, limit: int, exclude: Collection[str] = ()
) -> list[IconMatch]:
    """The best icons for `text`, at most one per word and per icon, best first."""
    if foreign(text):
        return []
    every = content_words(META.sub(" ", text))
    words = [w for w in every if len(w) >= 3 and not vague(w)]
    # Context is every content word, vague ones too: "rates" tells that "rose" is a verb.
    stems = frozenset(stem(w) for w in every)
    candidates: list[_Candidate] = []
    for position, word in enumerate(words):
        context = stems - {stem(word)}
        following = words[position + 1] if position + 1 < len(words) else None
        for at, tag, score, span in _word_hits(index, word, following, context):
            pictured = (word, following) if span == 2 and following else (word,)
            covers = tuple(stem(w) for w in pictured)
            candidates.append(_Candidate(score, position, at, word, tag, covers))
    # Greedy on a total order (score, then word order, then icon id): the same text always
    # gives the same icons, and `exclude` only ever moves a word to its next-best icon.
    candidates.sort(key=lambda c: (-c.score, c.position, index.icons[c.icon].id, c.tag))
    excluded = set(exclude)
    used_words: set[str] = set()  # stems: a word said twice ("cell", "cells") is pictured once
    chosen: list[IconMatch] = []
    for c in candidates:
        icon = index.icons[c.icon]
        if len(chosen) >= limit:
            break
        if used_words.intersection(c.covers) or icon.id in excluded or c.score < MIN_SCORE:
            continue
        used_words.update(c.covers)
        excluded.add(icon.id)
        chosen.append(IconMatch(icon=icon, word=c.word, tag=c.tag, score=round(c.score, 4)))
    return chosen


def _word_hits(
    index: TagIndex, word: str, following: str | None, context: frozenset[str]
) -> list[_Scored]:
    """The icons the word could picture, with scores (context bonus included), near its best."""
    pictured = sense(word, context)
    raw: list[_Scored] = []
    if pictured is not None:  # an ambiguous word, resolved by its neighbours
        raw += _synonym_hits(index, pictured)
    elif verbish(word):  # "crossed", "divides": only what the synonym table says
        raw += _synonym_hits(index, synonyms(word))
    else:
        if following is not None:
            raw += _lookup(index, f"{word} {following}", PHRASE, whole_only=True, span=2)
            raw += _lookup(index, word + following, PHRASE, whole_only=True, span=2)
        raw += _lookup(index, word, 1.0, whole_only=False)
        raw += _synonym_hits(index, synonyms(word))
        raw += _lookup(index, "brand:" + word, 1.0, whole_only=False)
        if not raw:
            raw = _compound(index, word)
    best: dict[int, _Scored] = {}
    for icon, tag, score, span in raw:
        bonus = min(_CONTEXT_CAP, _CONTEXT_BONUS * len(index.vocab[icon] & context))
        if icon not in best or score + bonus > best[icon][2]:
            best[icon] = (icon, tag, score + bonus, span)
    top = max((hit[2] for hit in best.values()), default=0.0)
    weight = TIMEISH_WEIGHT if word in TIMEISH else 1.0
    return [(i, t, s * weight, n) for i, t, s, n in best.values() if s >= WORST_RATIO * top]


def _synonym_hits(index: TagIndex, related: Sequence[str]) -> list[_Scored]:
    hits: list[_Scored] = []
    for n, word in enumerate(related):
        weight = SYNONYM - n * SYNONYM_STEP
        if word in index.by_id:  # the table may name an icon outright: "kitchen-set", "users"
            hits.append((index.by_id[word], word, NAME * weight, 1))
        else:
            hits += _lookup(index, word, weight, whole_only=False)
    return hits


def _lookup(
    index: TagIndex, query: str, weight: float, *, whole_only: bool, span: int = 1
) -> list[_Scored]:
    key = query if query.startswith("brand:") else _key(query)
    hits = index.hits.get(key, ())
    if whole_only:  # a phrase counts only as an icon's whole name or whole term
        hits = [h for h in hits if h.base in (NAME, TERM)]
    return [(h.icon, h.tag, h.base * weight, span) for h in hits]


def _compound(index: TagIndex, word: str) -> list[_Scored]:
    """A closed compound ("firetruck", "sunglasses") by its head, the longest icon name in it.

    Both parts must be words we know, so "visitent" does not hide a tent."""
    for cut in range(3, len(word) - 3):
        names = [h for h in index.hits.get(stem(word[cut:]), ()) if h.base == NAME]
        modifier = word[:cut]
        if names and (stem(modifier) in index.hits or vague(modifier) or synonyms(modifier)):
            return [(h.icon, h.tag, h.base * SYNONYM, 1) for h in names]
    return []

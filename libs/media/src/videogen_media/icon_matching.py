"""Matching a sentence's words to icons: an index of stemmed tags, and a deterministic ranking.

Pure (no I/O): `TagIndex` is built once from the icons, `match_words` ranks per call.
Scores, highest first: a word (or two adjacent words) equal to an icon's whole name; one word
of a longer name; a search term (Font Awesome's, its former names, ours); a word of a search
term; a category. A synonym
scores a little less than the word itself. Other words of the sentence that also describe an
icon add a small bonus, which settles ties by context ("bank" near "money" and "coins").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from videogen_text.keywords import content_words, sense, stem, synonyms

from videogen_media.icon_types import Icon, IconMatch

NAME, TERM = 1.0, 0.6
NAME_PART, TERM_PART, CATEGORY = 0.7, 0.4, 0.3
BRAND = 0.9  # a brand's exact name (ordinary words excluded): a logo is meant
WORST_RATIO = 0.65  # a word's icon scores at least this fraction of its best: no poor fallbacks
SYNONYM = 0.85  # a synonym's hit scores this fraction of the word's own
PHRASE = 1.1  # two adjacent words naming an icon ("solar panel") beat either word alone
MIN_SCORE = 0.25
_CONTEXT_BONUS, _CONTEXT_CAP = 0.04, 0.12

# Name words that mark a variant of the picture (crossed out, with a badge, a part of it):
# "plant-wilt" is a poorer picture of a plant than "seedling" is.
_VARIANT = frozenset({
    "slash", "xmark", "circle", "check", "exclamation", "minus", "plus", "arrow", "arrows", "lock",
    "wilt", "crack", "burst", "question", "up", "down", "left", "right", "from", "to", "with", "on",
    "and", "half", "quarter", "empty", "simple", "alt", "dots", "line", "lines", "square", "flag",
    "signal", "pointer", "turn", "rotate", "through", "open", "closed", "user", "person",
})
# Words a sentence uses that picture nothing (or a misleading interface icon): colours, sizes,
# directions and generic verbs, kept out of matching though they are content words.
_VAGUE = frozenset(
    """
    black white yellow blue green red orange purple brown pink gray grey colour color big small
    large little huge tiny high low long short new old young good bad great best better worse
    worst left right top bottom back front end start way part kind lot number called known use
    used using take took taken come came go goes went gone give gave given find found show
    shown keep kept look put set turn point line open close hand full free real true whole
    able around across half simple important different main major minor common early late
    lead leads led help helps per people around nearly almost today modern popular famous
    """.split()  # noqa: SIM905
)
# Brand names that are ordinary words: the word means the thing, not the company's logo.
_COMMON_BRANDS = frozenset({
    "amazon", "apple", "line", "less", "mix", "medium", "windows", "fly", "ideal", "ember",
    "rebel", "steam", "square", "safari", "opera", "chrome", "python", "java", "vine", "yarn",
    "threads", "quora", "shirtsinbulk", "think", "gulp", "hips", "fonticons", "sass", "jedi",
    "meetup", "untappd", "bots", "pied", "stripe", "slack", "sellcast", "buffer", "deploydog",
    "readme", "jira", "bluesky", "uber", "lyft", "page", "orcid", "itch",
})


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
        self.vocab: list[frozenset[str]] = []
        for i, icon in enumerate(self.icons):
            self.vocab.append(self._add(i, icon))
        for hits in self.hits.values():  # best first, then by id: a stable order for equal scores
            hits.sort(key=lambda h: (-h.base, self.icons[h.icon].id))

    def _put(self, key: str, hit: _Hit) -> None:
        if key:
            self.hits.setdefault(key, []).append(hit)

    def _add(self, i: int, icon: Icon) -> frozenset[str]:
        tokens = icon.id.split("-")
        if icon.brand:
            if len(tokens) == 1 and icon.id not in _COMMON_BRANDS:
                self._put("brand:" + icon.id, _Hit(i, icon.id, BRAND))
            return frozenset()
        self._put(_key(icon.id), _Hit(i, icon.id, NAME))
        vocab = {stem(t) for t in tokens}
        if len(tokens) > 1:
            variants = sum(t in _VARIANT for t in tokens)
            part = NAME_PART - 0.05 * (len(tokens) - 2) - 0.15 * variants
            for token in tokens:
                if len(token) >= 3 and token not in _VARIANT and not token.isdigit():
                    self._put(stem(token), _Hit(i, icon.id, part))
        for term in icon.terms:
            words = term.replace("-", " ").split()
            vocab.update(stem(w) for w in words)
            self._put(_key(term), _Hit(i, term, TERM))
            if len(words) > 1:
                for word in words:
                    if len(word) >= 3 and word not in _VAGUE:
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


def match_words(
    index: TagIndex, text: str, *, limit: int, exclude: Collection[str] = ()
) -> list[IconMatch]:
    """The best icons for `text`, at most one per word and per icon, best first."""
    words = [w for w in content_words(text) if len(w) >= 3 and w not in _VAGUE]
    stems = [stem(w) for w in words]
    candidates: list[_Candidate] = []
    for position, word in enumerate(words):
        context = frozenset(stems[:position] + stems[position + 1 :])
        following = words[position + 1] if position + 1 < len(words) else None
        for at, tag, score in _word_hits(index, word, following, context):
            candidates.append(_Candidate(score, position, at, word, tag))
    # Greedy on a total order (score, then word order, then icon id): the same text always
    # gives the same icons, and `exclude` only ever moves a word to its next-best icon.
    candidates.sort(key=lambda c: (-c.score, c.position, index.icons[c.icon].id, c.tag))
    excluded = set(exclude)
    used_words: set[int] = set()
    chosen: list[IconMatch] = []
    for c in candidates:
        icon = index.icons[c.icon]
        if len(chosen) >= limit:
            break
        if c.position in used_words or icon.id in excluded or c.score < MIN_SCORE:
            continue
        used_words.add(c.position)
        excluded.add(icon.id)
        chosen.append(IconMatch(icon=icon, word=c.word, tag=c.tag, score=round(c.score, 4)))
    return chosen


def _word_hits(
    index: TagIndex, word: str, following: str | None, context: frozenset[str]
) -> list[tuple[int, str, float]]:
    """Every icon the word could picture, with its score (context bonus included)."""
    pictured = sense(word, context)
    queries: list[tuple[str, float]]
    if pictured is None:
        queries = [(word, 1.0)] + [(s, SYNONYM) for s in synonyms(word)]
    else:
        queries = [(p, SYNONYM) for p in pictured]
    raw: list[tuple[int, str, float]] = []
    if following is not None and pictured is None:
        raw += _lookup(index, f"{word} {following}", PHRASE, whole_only=True)
        raw += _lookup(index, word + following, PHRASE, whole_only=True)
    for query, weight in queries:
        raw += _lookup(index, query, weight, whole_only=False)
    if not raw and pictured is None:
        raw = _compound(index, word)
    if pictured is None:
        raw += _lookup(index, "brand:" + word, 1.0, whole_only=False)
    best: dict[int, tuple[int, str, float]] = {}
    for icon, tag, score in raw:
        bonus = min(_CONTEXT_CAP, _CONTEXT_BONUS * len(index.vocab[icon] & context))
        scored = (icon, tag, score + bonus)
        if icon not in best or scored[2] > best[icon][2]:
            best[icon] = scored
    top = max((score for _, _, score in best.values()), default=0.0)
    return [hit for hit in best.values() if hit[2] >= WORST_RATIO * top]


def _lookup(
    index: TagIndex, query: str, weight: float, *, whole_only: bool
) -> list[tuple[int, str, float]]:
    if "-" in query and query in index.by_id:  # a synonym may name an icon outright: "kitchen-set"
        return [(index.by_id[query], query, NAME * weight)]
    key = query if query.startswith("brand:") else _key(query)
    hits = index.hits.get(key, ())
    if whole_only:  # a phrase counts only as an icon's whole name or whole term
        return [(h.icon, h.tag, h.base * weight) for h in hits if h.base in (NAME, TERM)]
    return [(h.icon, h.tag, h.base * weight) for h in hits]


def _compound(index: TagIndex, word: str) -> list[tuple[int, str, float]]:
    """A closed compound ("honeybees", "sunflower") by its head word, the longest one known."""
    for cut in range(3, len(word) - 2):
        head, modifier = word[cut:], word[:cut]
        if stem(head) in index.hits and stem(modifier) in index.hits:
            head_hits = _lookup(index, head, SYNONYM, whole_only=False)
            return head_hits + _lookup(index, modifier, 0.6, whole_only=False)
    return []

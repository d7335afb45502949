# ruff: noqa: RUF001  (CJK punctuation is the point of the clause marks below)
"""The key phrase of a sentence, as a headline: at most five words, never the sentence.

There is no part-of-speech tagger offline, so the phrase comes from the sentence's shape:
the first main clause (an opening adverbial such as "In the early days," or "When the
storm came," is skipped), without its filler adverbs ("still", "finally"), cut before a
modal ("can hold"), a relative ("that", "which") or an infinitive ("to tell"), and at a
preposition once it has four words. "Yet the keeper still climbed the stairs each night"
→ "The keeper climbed the stairs"; "Honeybees dance to tell each other…" → "Honeybees
dance". CJK text is cut at its first clause mark, without the copula; Arabic, Hebrew and
other spaced scripts keep the first words of their first clause.
"""

from __future__ import annotations

import re

from videogen_text.stopwords import STOPWORDS

MAX_WORDS = 5
MAX_CJK_CHARS = 10

_CLAUSE = re.compile(r"\s*[,;:()\[\]—–!?.…\"“”«»„]+\s*|\s+-\s+")
_CJK_CLAUSE = re.compile(r"[、。，,！？!?：:；;「」『』（）()]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_COPULA = re.compile(r"(?:です|でした|である|だった|だ|ます|ました|입니다|이다)$")
# Openers that make a clause an adverbial lead-in ("When electricity reached the coast,").
_SUBORDINATE = frozenset(
    """
    when while if after before since although though as because once until unless in
    on at during by for with from under over across throughout every each later
    """.split()  # noqa: SIM905
)
_FILLER = frozenset(
    """
    still now finally almost just also even then once already really actually today
    """.split()  # noqa: SIM905
)
_MODALS = frozenset(
    """
    can could may might must will would should shall cannot
    """.split()  # noqa: SIM905
)
_STOP_BEFORE = frozenset(
    """
    that which who whom whose where to because so than while until unless and but or
    """.split()  # noqa: SIM905
)
_PREPOSITIONS = frozenset(
    """
    at in on for from with by toward towards into onto over under through across
    around near beyond without within along against between among of
    """.split()  # noqa: SIM905
)
# Verbs that say little at the end of a headline ("A single switch did").
_LIGHT_VERBS = frozenset(
    """
    did do does done has have had is are was were be been gave give gives got get
    gets took take takes made make makes went go goes say says said
    """.split()  # noqa: SIM905
)
_ARTICLES = frozenset(("the", "a", "an"))


def _is_content(word: str) -> bool:
    bare = word.lower().strip("'’")
    return bare not in STOPWORDS and not bare.endswith("ly") and any(c.isalnum() for c in bare)


def _main_clause(clauses: list[str]) -> str:
    """The first clause that is not an opening adverbial, when another clause follows."""
    for index, clause in enumerate(clauses):
        words = clause.split()
        if not words:
            continue
        opener = words[0].lower()
        short = len(words) <= 2 and sum(_is_content(w) for w in words) <= 1  # "Later,"
        is_lead_in = index + 1 < len(clauses) and (opener in _SUBORDINATE or short)
        if is_lead_in and any(_is_content(w) for w in " ".join(clauses[index + 1 :]).split()):
            continue
        return clause
    return next((c for c in clauses if c.split()), "")


def _trim(words: list[str]) -> list[str]:
    """Words of the clause up to a natural break, at most MAX_WORDS."""
    while words and not _is_content(words[0]) and words[0].lower() not in _ARTICLES:
        words = words[1:]
    out: list[str] = []
    for word in words:
        low = word.lower()
        content = sum(_is_content(w) for w in out)
        if low in _FILLER and out:
            continue
        if content and (low in _STOP_BEFORE or low in _MODALS):
            break
        if content and low in _PREPOSITIONS and len(out) >= 4 - (low == "of"):
            break
        if len(out) == MAX_WORDS:
            if _is_content(word) and _is_content(out[-1]) and not _ends_of_phrase(out):
                out = _back_off(out)  # cut inside a noun phrase: "the same worn | steps"
            break
        out.append(word)
    while out and (not _is_content(out[-1]) or (len(out) > 1 and out[-1].lower() in _LIGHT_VERBS)):
        out.pop()
    return out


def _back_off(words: list[str]) -> list[str]:
    """`words` without its unfinished last phrase (content words after the last function
    word), if at least two words are left."""
    cut = len(words)
    while cut and _is_content(words[cut - 1]):
        cut -= 1
    while cut and not _is_content(words[cut - 1]):
        cut -= 1
    return words[:cut] if cut >= 2 else words


def _ends_of_phrase(words: list[str]) -> bool:
    """Whether `words` ends "… of (the) X": a noun phrase that reads as finished."""
    cut = len(words)
    while cut and _is_content(words[cut - 1]):
        cut -= 1
    return "of" in (w.lower() for w in words[max(0, cut - 2) : cut])


def _cjk_phrase(text: str) -> str:
    clauses = [c for c in _CJK_CLAUSE.split(text) if c.strip()]
    clause = clauses[0].strip() if clauses else text.strip()
    clause = _COPULA.sub("", clause) or clause
    return clause[:MAX_CJK_CHARS]


def key_phrase(text: str) -> str:
    """The headline for `text` ("" when it has no words at all)."""
    text = " ".join(text.split())
    if _CJK.search(text):
        return _cjk_phrase(text)
    clauses = [c for c in _CLAUSE.split(text) if c.strip()]
    words = _trim(_main_clause(clauses).split())
    if not words:  # a sentence of function words only: its first few, as written
        words = text.split()[:MAX_WORDS]
    phrase = " ".join(words).strip(" ,;:.!?\"'“”")
    return phrase[:1].upper() + phrase[1:]

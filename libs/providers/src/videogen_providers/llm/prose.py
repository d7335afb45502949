"""Sentences from the phrasebook, filled with a brief's words, in a seeded order.

Determinism: every choice comes from a `random.Random` seeded with a SHA-256 of the call's
inputs (never Python's salted `hash`), so the same brief gives the same text in any process.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence

import msgspec

from videogen_providers.llm import phrasebook as pb
from videogen_providers.llm.base import Brief, CastMember


def seeded(*parts: object) -> random.Random:
    digest = hashlib.sha256(msgspec.json.encode(parts)).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# Words that start a phrase but never a name, so lowering them is always right.
_LEADING_WORDS = frozenset({
    "a", "an", "the", "our", "your", "my", "his", "her", "their", "this", "that", "these",
    "those", "one", "some", "how", "what", "why", "where", "who", "when",
})


def mid_sentence(text: str, *, keep_single_word: bool = False) -> str:
    """`text` ready to follow other words: trimmed, no final full stop, and its first letter
    lowered when that is safe ("A retired botanist", "High school students"); acronyms
    ("NASA"), names ("Marie Curie", "Ancient Rome") and, if asked, lone words keep theirs."""
    text = " ".join(text.split()).rstrip(".")
    words = text.split(" ")
    first = words[0]
    if not first or not first[0].isupper() or first[1:] != first[1:].lower():
        return text
    lower = text[0].lower() + text[1:]
    if first.lower() in _LEADING_WORDS:
        return lower
    if len(words) == 1:
        return text if keep_single_word else lower
    return text if words[1][:1].isupper() else lower


# "How vaccines work" is about vaccines: the templates want a noun phrase.
_HOW_IT_WORKS = re.compile(
    r"how (?P<subject>.+?) (?:works?|functions?|happens?|began|begins?|started|evolved)",
    re.IGNORECASE,
)
_QUESTION_WORDS = frozenset({"how", "why", "what", "when", "where", "who", "whether", "which"})


def topic_phrases(typed: str) -> tuple[str, str | None]:
    """The topic as a noun phrase for the templates, and as a question when it was one."""
    text = " ".join(typed.split()).rstrip(".?") or "our subject"
    if text.split(" ")[0].lower() not in _QUESTION_WORDS or " " not in text:
        return mid_sentence(text, keep_single_word=True), None
    question = text[0].lower() + text[1:]
    if found := _HOW_IT_WORKS.fullmatch(question):
        return found["subject"], question
    return f"the question of {question}", question


class Words:
    """A brief's words for the phrasebook's placeholders."""

    def __init__(self, brief: Brief) -> None:
        topic, self.question = topic_phrases(brief.topic)
        self.topic = topic
        self.capital_topic = topic[0].upper() + topic[1:]
        self.audience = mid_sentence(brief.audience or "") or pb.DEFAULT_AUDIENCE
        self.goal = mid_sentence(brief.goal or "") or pb.DEFAULT_GOAL
        self.cast = list(brief.cast)
        self.tone_sentences = tone_sentences(brief.tone)

    def fill(self, template: str, **extra: str) -> str:
        return template.format(
            topic=self.topic, Topic=self.capital_topic, audience=self.audience, goal=self.goal,
            **extra,
        )

    def phrase(self, title: str) -> str:
        """A section title as it reads mid-sentence; a title led by the topic keeps its case."""
        if title.startswith(self.capital_topic):
            return self.topic + title[len(self.capital_topic) :]
        return mid_sentence(title)


def tone_sentences(tone: str | None) -> tuple[str, ...]:
    words = (tone or "").lower()
    found: list[str] = []
    for keys, sentences in pb.TONE_SENTENCES.items():
        if any(key in words for key in keys):
            found.extend(sentences)
    return tuple(found)


def who(member: CastMember) -> str:
    """A cast member's description as an apposition ("Ada, a retired sea captain, ...")."""
    if member.description and member.description.strip():
        first = member.description.strip().split(". ")[0]
        return mid_sentence(first)
    if member.role and member.role.strip():
        return f"our {mid_sentence(member.role)}"
    return "part of our cast"


def cast_introductions(words: Words, rng: random.Random, limit: int) -> list[str]:
    return [
        words.fill(rng.choice(pb.CAST_INTRODUCTIONS), name=m.name.strip(), who=who(m))
        for m in words.cast[: max(0, limit)]
    ]


def body_sentences(
    words: Words, rng: random.Random, *, section: str, points: Sequence[str], count: int,
    avoid: Sequence[str] = (),
) -> list[str]:
    """`count` distinct sentences about `points`, in turn, in templates drawn without
    replacement (refilled when spent), so neighbours rarely share a shape."""
    templates = list(pb.BODY_SENTENCES) + list(words.tone_sentences)
    if words.cast:
        templates += pb.CAST_SENTENCES
    seen = set(avoid)
    out: list[str] = []
    deck: list[str] = []
    attempts = 0
    # Bounded: a very long section may exhaust the distinct combinations, then repeats are
    # allowed rather than looping forever.
    while len(out) < count:
        if not deck:
            deck = rng.sample(templates, len(templates))
        attempts += 1
        member = words.cast[attempts % len(words.cast)] if words.cast else None
        sentence = words.fill(
            deck.pop(), section=section, point=points[len(out) % len(points)],
            name=member.name.strip() if member else "", who=who(member) if member else "",
        )
        if sentence not in seen or attempts > count * len(templates):
            seen.add(sentence)
            out.append(sentence)
    return out


def section_points(words: Words, key_points: Sequence[str]) -> list[str]:
    """The section's own points first (twice over), then general ones to keep long sections
    from repeating themselves. The outline's "meet the cast" note is not prose material."""
    cast_note = pb.CAST_POINT.split("{")[0]
    own = [mid_sentence(p) for p in key_points if p.strip() and not p.startswith(cast_note)]
    general = [words.fill(p) for p in pb.GENERAL_POINTS]
    return own * 2 + general


def section_sentences(
    words: Words, rng: random.Random, *, title: str, key_points: Sequence[str],
    previous_titles: Sequence[str], count: int,
) -> list[str]:
    """Opening (a hook and the cast for the first section, else a transition), body, closer."""
    section = words.phrase(title)
    if previous_titles:
        prev = words.phrase(previous_titles[-1])
        lines = [words.fill(rng.choice(pb.TRANSITIONS), section=section, prev=prev)]
    else:
        hooks = pb.QUESTION_HOOKS if words.question else pb.HOOKS
        lines = [words.fill(rng.choice(hooks), question=words.question or "")]
        lines += cast_introductions(words, rng, limit=count - 2)
    closer = words.fill(rng.choice(pb.CLOSERS), section=section) if count >= 3 else None
    body_count = count - len(lines) - (1 if closer else 0)
    points = section_points(words, key_points)
    lines += body_sentences(words, rng, section=section, points=points, count=body_count)
    if closer:
        lines.append(closer)
    return lines[:count]

"""The default writer when no LLM is configured: deterministic, local, labelled "offline".

It sizes everything from the target duration (about 150 spoken words a minute, 15 words a
sentence), picks section angles and sentence templates with a seed drawn from the inputs,
and fills them with the brief's topic, audience, goal, tone and cast. Same input, same text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

import msgspec

from videogen_providers.llm import phrasebook as pb
from videogen_providers.llm.base import (
    Brief,
    OutlineDraft,
    OutlineSection,
    SectionScript,
    TokenUsage,
    Written,
    check_index,
    section_budget,
    sentence_budget,
)
from videogen_providers.llm.prose import (
    Words,
    body_sentences,
    mid_sentence,
    section_sentences,
    seeded,
)

OFFLINE = "offline"
USAGE = TokenUsage(prompt_tokens=0, completion_tokens=0, model=OFFLINE, provider=OFFLINE)
# The opening and closing sections are shorter than the body sections.
EDGE_WEIGHT = 0.6

T = TypeVar("T")


class OfflineWriter:
    provider_label = OFFLINE

    async def outline(self, brief: Brief) -> Written[OutlineDraft]:
        return _written(build_outline(brief))

    async def section_script(
        self, brief: Brief, outline_section: OutlineSection, previous_titles: Sequence[str]
    ) -> Written[SectionScript]:
        return _written(write_section(brief, outline_section, previous_titles))

    async def quick_script(self, brief: Brief) -> Written[list[SectionScript]]:
        sections: list[SectionScript] = []
        for section in build_outline(brief).sections:
            sections.append(write_section(brief, section, [s.title for s in sections]))
        return _written(sections)

    async def expand(
        self, brief: Brief, section_title: str, existing_sentences: Sequence[str], count: int,
    ) -> Written[list[str]]:
        words = Words(brief)
        rng = seeded("expand", brief, section_title, list(existing_sentences), count)
        section = words.phrase(section_title)
        points = [words.fill(p, section=section) for p in pb.EXPANSION_POINTS]
        rng.shuffle(points)
        sentences = body_sentences(
            words, rng, section=section, points=points, count=max(0, count),
            avoid=existing_sentences,
        )
        return _written(sentences)

    async def regenerate_section(
        self, brief: Brief, outline: OutlineDraft, index: int, instructions: str | None
    ) -> Written[OutlineSection]:
        check_index(outline, index)
        return _written(rework_section(brief, outline, index, instructions))

    async def aclose(self) -> None:
        return None


def _written(value: T) -> Written[T]:
    return Written(value=value, usage=USAGE, provider_label=OFFLINE)


def build_outline(brief: Brief) -> OutlineDraft:
    words = Words(brief)
    rng = seeded("outline", brief)
    angles = pick_angles(rng, section_budget(brief.target_minutes))
    minutes = split_minutes(brief.target_minutes, len(angles))
    sections = [
        outline_section(words, rng, angle, m, is_opening=i == 0)
        for i, (angle, m) in enumerate(zip(angles, minutes, strict=True))
    ]
    return OutlineDraft(
        title=words.fill(rng.choice(pb.OUTLINE_TITLES)), total_target_minutes=brief.target_minutes,
        sections=sections,
    )


def pick_angles(rng: random.Random, count: int) -> list[pb.Angle]:
    """An opening, body angles in their natural order, and a closing (none if only two)."""
    if count <= 2:
        return [pb.OPENING, rng.choice(pb.BODY)]
    chosen = sorted(rng.sample(range(len(pb.BODY)), min(count - 2, len(pb.BODY))))
    return [pb.OPENING, *(pb.BODY[i] for i in chosen), pb.CLOSING]


def split_minutes(total: float, count: int) -> list[float]:
    weights = [1.0] * count
    if count >= 3:
        weights[0] = weights[-1] = EDGE_WEIGHT
    scale = total / sum(weights)
    minutes = [round(w * scale, 2) for w in weights]
    # Rounding drift goes to the longest section, so the parts add up to the whole.
    longest = minutes.index(max(minutes))
    minutes[longest] = round(minutes[longest] + total - sum(minutes), 2)
    return minutes


def outline_section(
    words: Words, rng: random.Random, angle: pb.Angle, minutes: float, *, is_opening: bool,
    title_template: str | None = None,
) -> OutlineSection:
    kept = sorted(rng.sample(range(len(angle.points)), min(3, len(angle.points))))
    points = [words.fill(angle.points[i]) for i in kept]
    if is_opening and words.cast:
        names = ", ".join(m.name.strip() for m in words.cast)
        points[-1] = pb.CAST_POINT.format(names=names)
    title = words.fill(title_template or rng.choice(angle.titles))
    return OutlineSection(
        title=title[0].upper() + title[1:], summary=words.fill(angle.summary),
        target_minutes=minutes, key_points=points,
    )


def write_section(
    brief: Brief, section: OutlineSection, previous_titles: Sequence[str]
) -> SectionScript:
    rng = seeded("section", brief, section, list(previous_titles))
    sentences = section_sentences(
        Words(brief), rng, title=section.title, key_points=section.key_points,
        previous_titles=previous_titles, count=sentence_budget(section.target_minutes),
    )
    return SectionScript(title=section.title, sentences=sentences)


def rework_section(
    brief: Brief, outline: OutlineDraft, index: int, instructions: str | None
) -> OutlineSection:
    """Another angle (or another title for the opening and closing), same length; the
    instructions shape the summary, since templates cannot follow free text."""
    words = Words(brief)
    rng = seeded("regenerate", brief, outline, index, instructions)
    current = outline.sections[index]
    others = {s.title.lower() for i, s in enumerate(outline.sections) if i != index}
    if index == 0:
        candidates = [pb.OPENING]
    elif index == len(outline.sections) - 1 and len(outline.sections) >= 3:
        candidates = [pb.CLOSING]
    else:
        candidates = [
            a for a in pb.BODY if not any(words.fill(t).lower() in others for t in a.titles)
        ] or list(pb.BODY)
    titles = [(a, t) for a in candidates for t in a.titles]
    rng.shuffle(titles)
    # Another title than the current one whenever the angles allow it.
    angle, template = next(
        ((a, t) for a, t in titles if words.fill(t).lower() != current.title.lower()), titles[0]
    )
    section = outline_section(
        words, rng, angle, current.target_minutes, is_opening=index == 0, title_template=template
    )
    if instructions and instructions.strip():
        summary = f"{section.summary} Reworked to {mid_sentence(instructions.strip())}."
        section = msgspec.structs.replace(section, summary=summary)
    return section

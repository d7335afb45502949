"""The conversations sent to the model, one builder per writer call.

Every user message starts with the whole brief, cast descriptions included: each call is
independent (a worker may write section 5 in another process than section 4), so nothing
may rely on an earlier prompt having told the model who the characters are.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)

from videogen_providers.llm.base import (
    SENTENCE_WORDS,
    WORDS_PER_MINUTE,
    Brief,
    OutlineDraft,
    OutlineSection,
    section_budget,
    sentence_budget,
    spoken_words,
)

Messages = list[ChatCompletionMessageParam]

SYSTEM = (
    "You write narration scripts for short explainer videos. The narration is read aloud "
    f"at about {WORDS_PER_MINUTE} words per minute, and each sentence becomes one scene with "
    f"its own visual, so sentences are self-contained and about {SENTENCE_WORDS} words long. "
    "Write only what is spoken: no headings, stage directions, speaker labels, markdown or "
    "emoji inside sentences. Respect the audience, goal, tone, style and language of the "
    "brief. When the brief has a cast, use those characters by name, true to their "
    "descriptions. Answer with one JSON object that matches the given schema, and nothing else."
)


def render_brief(brief: Brief) -> str:
    lines = [
        "Brief:",
        f"- Topic: {brief.topic}",
        f"- Target duration: {brief.target_minutes:g} minutes "
        f"(about {spoken_words(brief.target_minutes)} spoken words)",
        f"- Language: {brief.language}",
    ]
    optional = {
        "Audience": brief.audience, "Goal": brief.goal, "Tone": brief.tone, "Style": brief.style,
        "Description": brief.description,
    }
    lines += [f"- {label}: {value}" for label, value in optional.items() if value]
    if brief.cast:
        lines.append("Cast:")
        for member in brief.cast:
            role = f" ({member.role})" if member.role else ""
            about = f": {member.description}" if member.description else ""
            lines.append(f"- {member.name}{role}{about}")
    else:
        lines.append("Cast: none; use a single narrator.")
    return "\n".join(lines)


def _conversation(brief: Brief, task: str) -> Messages:
    return [
        ChatCompletionSystemMessageParam(role="system", content=SYSTEM),
        ChatCompletionUserMessageParam(role="user", content=f"{render_brief(brief)}\n\n{task}"),
    ]


def outline(brief: Brief) -> Messages:
    return _conversation(
        brief,
        f"Task: outline the video in about {section_budget(brief.target_minutes)} sections, "
        "from an opening hook to a closing takeaway. Give each section a title, a one-sentence "
        "summary, its target_minutes and three to five key_points; the target_minutes add up "
        f"to total_target_minutes = {brief.target_minutes:g}.",
    )


def section_script(
    brief: Brief, section: OutlineSection, previous_titles: Sequence[str]
) -> Messages:
    before = "; ".join(previous_titles) if previous_titles else "none, this section opens"
    return _conversation(
        brief,
        f"Task: write the narration of one section, titled {section.title!r}, in about "
        f"{sentence_budget(section.target_minutes)} sentences "
        f"({section.target_minutes:g} minutes).\n"
        f"Summary: {section.summary}\n"
        f"Key points: {'; '.join(section.key_points) or 'none given'}\n"
        f"Sections before it: {before}. Continue from them without repeating them.\n"
        "Answer with the section's title and its sentences.",
    )


def quick_script(brief: Brief) -> Messages:
    return _conversation(
        brief,
        "Task: write the whole narration script now, in about "
        f"{section_budget(brief.target_minutes)} sections and about "
        f"{sentence_budget(brief.target_minutes)} sentences in total, from an opening hook "
        "to a closing takeaway. Give each section a title and its sentences.",
    )


def expand(brief: Brief, section_title: str, existing: Sequence[str], count: int) -> Messages:
    current = "\n".join(f"{i + 1}. {s}" for i, s in enumerate(existing)) or "(none yet)"
    return _conversation(
        brief,
        f"Task: suggest exactly {count} new sentences that extend the section "
        f"{section_title!r}. They must add something new, fit the sentences already there and "
        f"not repeat them.\nSentences already in the section:\n{current}",
    )


def regenerate_section(
    brief: Brief, draft: OutlineDraft, index: int, instructions: str | None
) -> Messages:
    section = draft.sections[index]
    asked = f"\nThe user asks: {instructions}" if instructions else ""
    return _conversation(
        brief,
        f"The current outline:\n{msgspec.json.encode(draft).decode()}\n\n"
        f"Task: rewrite section {index + 1} ({section.title!r}) as a better, different "
        f"section that fits between its neighbours. Keep target_minutes = "
        f"{section.target_minutes:g}.{asked}",
    )


JSON_REASK = "Answer again with only a JSON object that matches the schema."


def correction(
    conversation: Messages, reply: str | None, problem: str, *, reask: str = JSON_REASK
) -> Messages:
    """The conversation plus the model's invalid reply, what was wrong with it, and how to
    answer instead (`reask`: the JSON schema's, or another writer's format)."""
    return [
        *conversation,
        ChatCompletionAssistantMessageParam(role="assistant", content=reply or ""),
        ChatCompletionUserMessageParam(
            role="user", content=f"That reply was not valid: {problem}. {reask}",
        ),
    ]

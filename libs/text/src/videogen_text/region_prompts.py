"""A region-edit prompt in words → the operation the offline region editor performs, and
the variants to render of it. Pure: no I/O, no clock, no randomness but the seed's.

`parse_prompt("blur the face")` → `RegionEdit(operation="blur")`;
`parse_prompt('add text "SALE"')` → text; `parse_prompt("add a red balloon floating up")`
→ a red balloon sprite moving up. What it cannot map raises `PromptNotUnderstood`, whose
`understood` lists what it can (the gateway answers 422 with it). `variant_specs` says how
each variant differs (strength, softness, placement), chosen from the seed alone, so the
same seed, prompt and input give the same variants.
"""

from __future__ import annotations

import random
import re
import uuid

from videogen_contracts.media.ai_edits import Motion, RegionEdit, RegionOperation, VariantSpec

from videogen_text.region_vocabulary import (
    COLOUR_MODIFIERS,
    COLOURS,
    MOTION_PHRASES,
    OPERATION_PHRASES,
    SHAPE_NOUNS,
    SHAPE_VERBS,
    TEXT_VERBS,
)

MAX_TEXT_CHARS = 80
# Operations matched on the prompt with its colour words taken out, so "dark blue" or
# "light pink" asks for a tint, not for darken or brighten.
_AFTER_COLOUR = frozenset({"brighten", "darken", "tint"})
_GRAYS = frozenset({"#808080", "#c0c0c0"})

UNDERSTOOD: tuple[str, ...] = (
    *(f"{op}: {', '.join(phrases[:6])}" for op, phrases in OPERATION_PHRASES),
    'text: add text "SALE" (drawn in the box; a colour may be named: add red text "SALE")',
    "shape: add a red balloon floating up (a procedural sprite: balloon, circle, square, "
    "star, heart, triangle; moving up, down, left, right or pulse)",
    f"colours by name: {', '.join(COLOURS)} (light/dark/pale/deep variants), or #rrggbb",
)


class PromptNotUnderstood(ValueError):
    """The prompt maps onto no region operation; `understood` lists what would."""

    def __init__(self, prompt: str, reason: str = "no region operation recognised") -> None:
        super().__init__(f"{reason}: {prompt!r}")
        self.prompt = prompt
        self.reason = reason
        self.understood: list[str] = list(UNDERSTOOD)


def _normalise(prompt: str) -> str:
    lowered = prompt.lower().replace("\u2019", "'")
    spaced = re.sub(r"[-_/,.;:!?()\[\]]", " ", lowered)
    return " ".join(spaced.split())


def _has(phrase: str, text: str) -> bool:
    return re.search(rf"(?<![\w&#]){re.escape(phrase)}(?![\w&])", text) is not None


def _first(phrases: tuple[str, ...], text: str) -> bool:
    return any(_has(p, text) for p in phrases)


def _mix(hex_colour: str, amount: float) -> str:
    """Move a colour towards white (amount > 0) or black (amount < 0)."""
    channels = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    target = 255 if amount > 0 else 0
    mixed = (round(c + (target - c) * abs(amount)) for c in channels)
    return "#" + "".join(f"{c:02x}" for c in mixed)


def find_colour(text: str) -> tuple[str | None, str]:
    """The colour named in normalised `text` as `#rrggbb`, and the text without it."""
    literal = re.search(r"#([0-9a-f]{6})\b", text)
    if literal:
        return f"#{literal.group(1)}", text.replace(literal.group(0), " ")
    names = "|".join(sorted(COLOURS, key=len, reverse=True))
    modifiers = "|".join(COLOUR_MODIFIERS)
    match = re.search(rf"\b(?:({modifiers}) )?({names})(?:ish)?\b", text)
    if match is None:
        return None, text
    colour = COLOURS[match.group(2)]
    if match.group(1):
        colour = _mix(colour, COLOUR_MODIFIERS[match.group(1)])
    return colour, text[: match.start()] + " " + text[match.end():]


def _quoted(prompt: str) -> tuple[str | None, str]:
    """A quoted string in the prompt (its case kept), and the prompt without it."""
    match = re.search(r"[\"“”]([^\"“”]+)[\"“”]|(?:^|\s)'([^']+)'(?=\s|$)", prompt)
    if match is None:
        return None, prompt
    words = (match.group(1) or match.group(2)).strip()
    return words, prompt[: match.start()] + " " + prompt[match.end():]


def _text_edit(prompt: str) -> RegionEdit | None:
    words, rest = _quoted(prompt)
    normal = _normalise(rest)
    if words is None:
        unquoted = re.search(
            r"\b(?:(?:add|write|put|type)\s+(?:the\s+|some\s+)?(?:\w+\s+)?(?:text|caption|"
            r"title|label|words?)|write|type)\s*:?\s+(.+)$", prompt, flags=re.IGNORECASE,
        )
        if unquoted is None:
            return None
        words, normal = unquoted.group(1).strip(), _normalise(prompt[: unquoted.start(1)])
    elif not _first(TEXT_VERBS, normal) and not _has("add", normal):
        return None
    if not words:
        raise PromptNotUnderstood(prompt, "no text to draw")
    colour, _ = find_colour(normal)
    return RegionEdit(operation="text", text=words[:MAX_TEXT_CHARS], color=colour)


def _motion(text: str) -> Motion:
    for motion, phrases in MOTION_PHRASES:
        if _first(phrases, text):
            return motion  # type: ignore[return-value]  # the table's keys are Motions
    return "none"


def _shape_edit(text: str) -> RegionEdit | None:
    if not _first(SHAPE_VERBS, text):
        return None
    noun = next((word for word in text.split() if word in SHAPE_NOUNS), None)
    if noun is None:
        return None
    colour, rest = find_colour(text)
    return RegionEdit(
        operation="shape", shape=SHAPE_NOUNS[noun], color=colour or "#e02020",
        motion=_motion(rest),
    )


def _operation(text: str, without_colour: str) -> RegionOperation | None:
    for op, phrases in OPERATION_PHRASES:
        if _first(phrases, without_colour if op in _AFTER_COLOUR else text):
            return op  # type: ignore[return-value]  # the table's keys are RegionOperations
    return None


def parse_prompt(prompt: str) -> RegionEdit:
    """What the prompt asks the region editor to do; PromptNotUnderstood if nothing."""
    if not prompt.strip():
        raise PromptNotUnderstood(prompt, "empty prompt")
    text_edit = _text_edit(prompt)
    if text_edit is not None:
        return text_edit
    text = _normalise(prompt)
    shape_edit = _shape_edit(text)
    if shape_edit is not None:
        return shape_edit
    colour, without_colour = find_colour(text)
    operation = _operation(text, without_colour)
    if operation is None and colour is not None:
        operation = "tint"  # a colour alone ("blue", "more orange") asks for a tint
    if operation is None:
        raise PromptNotUnderstood(prompt)
    if operation == "tint":
        if colour is None:
            raise PromptNotUnderstood(prompt, "a tint needs a colour (say 'make it blue')")
        if colour in _GRAYS:
            return RegionEdit(operation="grayscale")
        return RegionEdit(operation="tint", color=colour)
    return RegionEdit(operation=operation)


# ---- Variants ------------------------------------------------------------------------------

# Ids derive from this namespace, the job (when given), the seed and the index: a job's
# variants keep their ids if the request is decided again, and two jobs never share one.
_VARIANT_NAMESPACE = uuid.UUID("6c1f3a52-9b7e-4d8e-a0c4-1d2b3e4f5a60")
# Pixel offsets of the text or sprite within the box, for the placement variants.
_PLACEMENTS = ((0, 0), (-24, -16), (24, 16), (-24, 16), (24, -16), (0, -24), (0, 24), (-32, 0))
_MOVES_CONTENT = frozenset({"text", "shape"})


def _strength_word(strength: float) -> str:
    return "gentle" if strength < 0.6 else "medium" if strength < 0.85 else "strong"


def _variant_id(edit: RegionEdit, seed: int, index: int, job_id: uuid.UUID | None) -> uuid.UUID:
    what = f"{edit.operation}|{edit.color}|{edit.text}|{edit.shape}|{edit.motion}"
    return uuid.uuid5(_VARIANT_NAMESPACE, f"{job_id or '-'}|{seed}|{what}|{index}")


def _describe(edit: RegionEdit, strength: float, softness: int, dx: int, dy: int) -> str:
    what = {
        "tint": f"tint {edit.color}", "text": f"text {edit.text!r} in {edit.color or 'white'}",
        "shape": f"procedural {edit.color} {edit.shape} sprite moving {edit.motion}",
        "spotlight": "spotlight (brightens the box and darkens everything outside it, "
                     "on purpose)",
        "remove": "remove (delogo fill from the box's edges)",
    }.get(edit.operation, edit.operation)
    where = f", shifted {dx:+d},{dy:+d} px" if (dx, dy) != (0, 0) else ""
    return (f"{what}, strength {strength:.2f} ({_strength_word(strength)}), "
            f"soft edges {softness} px{where}")


def variant_specs(
    edit: RegionEdit, count: int, seed: int, *, job_id: uuid.UUID | None = None
) -> list[VariantSpec]:
    """`count` variants of `edit`, gentle to strong, softer edges on the gentler ones."""
    rng = random.Random(f"{seed}|{edit.operation}")  # a str seed is stable across runs
    placements = _PLACEMENTS[:1] + tuple(rng.sample(_PLACEMENTS[1:], len(_PLACEMENTS) - 1))
    specs: list[VariantSpec] = []
    for index in range(count):
        rank = index / (count - 1) if count > 1 else 1.0
        strength = round(min(1.0, 0.45 + 0.55 * rank + rng.uniform(-0.03, 0.03)), 2)
        softness = round(18 - 12 * rank) + rng.randrange(3)
        dx, dy = placements[index % len(placements)] if edit.operation in _MOVES_CONTENT else (0, 0)
        labels = ["offline", edit.operation, _strength_word(strength), f"soft {softness} px"]
        if edit.operation == "shape":
            labels.append("procedural")
        if edit.operation == "spotlight":
            labels.append("changes outside the box")
        if (dx, dy) != (0, 0):
            labels.append(f"placement {dx:+d},{dy:+d}")
        specs.append(VariantSpec(
            variant_id=_variant_id(edit, seed, index, job_id), index=index, strength=strength,
            softness=softness, dx=dx, dy=dy, labels=labels,
            description=_describe(edit, strength, softness, dx, dy),
        ))
    return specs

"""region_prompts: words → RegionEdit (synonyms, colours, text, shapes, motions), what is
not understood, and variants that are deterministic for a seed and say how they differ."""

from __future__ import annotations

import uuid

import pytest
from videogen_contracts.media.ai_edits import REGION_OPERATIONS, Motion, RegionEdit
from videogen_text.region_prompts import PromptNotUnderstood, parse_prompt, variant_specs

OPERATIONS = [
    ("blur the face", "blur"), ("Make it blurry", "blur"), ("soften the background", "blur"),
    ("anonymise the plate", "blur"), ("hide the logo", "blur"),
    ("pixelate", "pixelate"), ("pixelise his face", "pixelate"), ("mosaic", "pixelate"),
    ("censor it", "censor"), ("black out the name", "censor"), ("redact", "censor"),
    ("remove the logo", "remove"), ("erase the watermark", "remove"),
    ("get rid of the sign", "remove"),
    ("highlight the car", "highlight"), ("make it pop", "highlight"),
    ("spotlight the singer", "spotlight"), ("focus on the speaker", "spotlight"),
    ("darken", "darken"), ("make it darker", "darken"), ("dim the lamp", "darken"),
    ("brighten the face", "brighten"), ("make it lighter", "brighten"),
    ("light up the stage", "brighten"),
    ("grayscale", "grayscale"), ("make it black-and-white", "grayscale"),
    ("black and white please", "grayscale"), ("B&W", "grayscale"),
    ("remove the colour", "grayscale"), ("desaturate", "grayscale"),
    ("turn it grey", "grayscale"), ("monochrome", "grayscale"),
]


@pytest.mark.parametrize(("prompt", "operation"), OPERATIONS)
def test_synonyms_map_onto_operations(prompt: str, operation: str) -> None:
    assert parse_prompt(prompt) == RegionEdit(operation=operation)  # type: ignore[arg-type]


@pytest.mark.parametrize(("prompt", "colour"), [
    ("make it blue", "#1e6bff"), ("tint it red", "#e02020"), ("recolour the car green", "#22aa22"),
    ("colorize purple", "#8a2be2"), ("turn the sky orange", "#ff8c00"),
    ("tint #12ab9c", "#12ab9c"), ("pink", "#ff69b4"),
])
def test_a_colour_by_name_asks_for_a_tint(prompt: str, colour: str) -> None:
    assert parse_prompt(prompt) == RegionEdit(operation="tint", color=colour)


def test_light_and_dark_colours_are_tints_not_brighten_or_darken() -> None:
    dark, light = parse_prompt("make it dark blue"), parse_prompt("light blue")
    assert dark.operation == light.operation == "tint"
    assert dark.color is not None
    assert light.color is not None
    assert sum(int(light.color[i:i + 2], 16) for i in (1, 3, 5)) > sum(
        int(dark.color[i:i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize(("prompt", "edit"), [
    ('add text "SALE"', RegionEdit(operation="text", text="SALE")),
    ("add text “50% off: today”", RegionEdit(operation="text", text="50% off: today")),
    ('add red text "Hi"', RegionEdit(operation="text", text="Hi", color="#e02020")),
    ("write 'Big Sale'", RegionEdit(operation="text", text="Big Sale")),
    ("add text: Open now", RegionEdit(operation="text", text="Open now")),
    ("write SALE NOW", RegionEdit(operation="text", text="SALE NOW")),
])
def test_add_text_keeps_the_words_as_written(prompt: str, edit: RegionEdit) -> None:
    assert parse_prompt(prompt) == edit


@pytest.mark.parametrize(("prompt", "shape", "colour", "motion"), [
    ("add a red balloon floating up", "balloon", "#e02020", "up"),
    ("add a blue ball falling down", "circle", "#1e6bff", "down"),
    ("draw a pulsing yellow star", "star", "#ffd700", "pulse"),
    ("put a green heart moving left", "heart", "#22aa22", "left"),
    ("add a square sliding to the right", "square", "#e02020", "right"),
    ("add a white circle", "circle", "#ffffff", "none"),
])
def test_add_a_shape_names_its_colour_and_motion(
    prompt: str, shape: str, colour: str, motion: Motion
) -> None:
    edit = RegionEdit(operation="shape", shape=shape, color=colour, motion=motion)
    assert parse_prompt(prompt) == edit


@pytest.mark.parametrize("prompt", ["", "   ", "sing a song", "make it better", "tint it"])
def test_what_is_not_understood_lists_what_is(prompt: str) -> None:
    with pytest.raises(PromptNotUnderstood) as caught:
        parse_prompt(prompt)
    understood = "\n".join(caught.value.understood)
    for operation in REGION_OPERATIONS:
        assert f"{operation}:" in understood
    assert 'add text "SALE"' in understood
    assert "balloon" in understood


def test_variants_are_deterministic_for_a_seed() -> None:
    edit = parse_prompt("blur the face")
    assert variant_specs(edit, 3, seed=42) == variant_specs(edit, 3, seed=42)
    assert variant_specs(edit, 3, seed=42) != variant_specs(edit, 3, seed=43)
    job = uuid.uuid4()
    assert variant_specs(edit, 3, 42, job_id=job) == variant_specs(edit, 3, 42, job_id=job)


def test_two_jobs_never_share_variant_ids() -> None:
    edit = parse_prompt("blur")
    a = {s.variant_id for s in variant_specs(edit, 8, 1, job_id=uuid.uuid4())}
    b = {s.variant_id for s in variant_specs(edit, 8, 1, job_id=uuid.uuid4())}
    assert len(a) == len(b) == 8
    assert not a & b


@pytest.mark.parametrize("count", [1, 2, 3, 8])
def test_variants_differ_in_strength_and_softness_and_say_how(count: int) -> None:
    specs = variant_specs(parse_prompt("pixelate"), count, seed=7)
    assert [s.index for s in specs] == list(range(count))
    assert all(0 < s.strength <= 1 and s.softness > 0 for s in specs)
    assert all(s.provider == "offline" for s in specs)
    strengths = [s.strength for s in specs]
    assert strengths == sorted(strengths)
    assert len(set(strengths)) == count
    for spec in specs:
        assert f"strength {spec.strength:.2f}" in spec.description
        assert f"soft edges {spec.softness} px" in spec.description
        assert f"soft {spec.softness} px" in spec.labels
    assert len({s.description for s in specs}) == count


def test_text_and_shape_variants_also_differ_in_placement() -> None:
    specs = variant_specs(parse_prompt("add a red balloon floating up"), 3, seed=7)
    assert (specs[0].dx, specs[0].dy) == (0, 0)
    assert len({(s.dx, s.dy) for s in specs}) == 3
    assert all("procedural" in s.labels for s in specs)
    assert all("placement" in " ".join(s.labels) for s in specs[1:])


def test_spotlight_says_it_changes_the_outside() -> None:
    for spec in variant_specs(parse_prompt("spotlight"), 3, seed=1):
        assert "changes outside the box" in spec.labels
        assert "darkens everything outside it" in spec.description

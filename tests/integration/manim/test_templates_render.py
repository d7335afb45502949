"""Every offline template, written through the writer's own path (plan → implement → code),
rendered with real Manim at preview size and decoded: playable, short, not blank, moving,
and different from its neighbours. Edits change what is rendered."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from videogen_contracts.script.manim import scene_class_of
from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.scene_text import TEMPLATES, read_scene
from videogen_providers.manim.writer import implementation_text
from videogen_text.manim_plan import scene_outline_of

from .plain_render import Rendered, drawn_fraction, mean_abs_diff, render_plain

TOPIC = "Explain machine learning basics"
MAX_SCENE_S = 8.0
# A renders cache for the module: each code is rendered once, whichever test asks first.
_RENDERS: dict[str, Rendered] = {}


@pytest.fixture(scope="module")
async def scene_codes() -> dict[str, tuple[int, str]]:
    """template → (scene number, code), from a nine-scene plan that uses every template."""
    writer = OfflineManimWriter()
    plan = await writer.plan(TOPIC, "", len(TEMPLATES))
    codes: dict[str, tuple[int, str]] = {}
    for scene in plan.scenes:
        implementation = implementation_text(
            await writer.implement(TOPIC, "", plan.plan_xml, scene)
        )
        outline = scene_outline_of(plan.scenes, scene.scene_number)
        draft = await writer.code(TOPIC, "", outline, implementation, scene.scene_number)
        template = read_scene(TOPIC, scene.scene_number, outline, implementation).template
        codes[template] = (scene.scene_number, draft.code)
    assert set(codes) == set(TEMPLATES)
    return codes


async def rendered(code: str, scene_number: int, tmp_path_factory: pytest.TempPathFactory
                   ) -> Rendered:
    if code not in _RENDERS:
        workdir = tmp_path_factory.mktemp("render")
        result = await render_plain(code, scene_class_of(scene_number), workdir)
        assert result.returncode == 0, result.log[-3000:]
        _RENDERS[code] = result
    return _RENDERS[code]


@pytest.mark.parametrize("template", TEMPLATES)
async def test_every_template_renders_a_short_moving_picture(
    template: str, scene_codes: dict[str, tuple[int, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    number, code = scene_codes[template]

    video = await rendered(code, number, tmp_path_factory)

    assert 2.0 <= video.duration_s <= MAX_SCENE_S
    assert drawn_fraction(video.frame_at(0.9)) > 0.005, "the last frames are blank"
    assert mean_abs_diff(video.frames[0], video.frame_at(0.9)) > 0.5, "nothing moves"


async def test_neighbouring_scenes_look_different(
    scene_codes: dict[str, tuple[int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ordered = sorted(scene_codes.values())
    videos = [await rendered(code, number, tmp_path_factory) for number, code in ordered]

    for before, after in itertools.pairwise(videos):
        assert mean_abs_diff(before.frame_at(0.8), after.frame_at(0.8)) > 1.0


async def edited(
    scene_codes: dict[str, tuple[int, str]], template: str, prompt: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Rendered, Rendered]:
    """The template's scene rendered before and after the offline writer's edit."""
    number, code = scene_codes[template]
    edit = await OfflineManimWriter().edit(TOPIC, code, prompt, number)
    before = await rendered(code, number, tmp_path_factory)
    return before, await rendered(edit.code, number, tmp_path_factory)


async def test_a_colorful_edit_changes_the_frames(
    scene_codes: dict[str, tuple[int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    before, after = await edited(
        scene_codes, "labelled diagram", "make it more colorful", tmp_path_factory
    )

    assert abs(after.duration_s - before.duration_s) < 0.2
    assert mean_abs_diff(before.frame_at(0.8), after.frame_at(0.8)) > 5.0


async def test_a_slower_edit_lengthens_the_scene(
    scene_codes: dict[str, tuple[int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    before, after = await edited(scene_codes, "title card", "slower", tmp_path_factory)

    assert after.duration_s >= 1.3 * before.duration_s


async def test_a_bigger_darker_edit_zooms_in_and_dims(
    scene_codes: dict[str, tuple[int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    before, after = await edited(scene_codes, "formula", "bigger and darker", tmp_path_factory)

    last_before, last_after = before.frames[-1], after.frames[-1]
    assert float(np.mean(last_after)) < float(np.mean(last_before))
    assert drawn_fraction(last_after) > drawn_fraction(last_before) * 0.9
    assert mean_abs_diff(last_before, last_after) > 1.0

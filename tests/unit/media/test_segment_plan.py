"""The segment plan's frame arithmetic and the layers' entrance looks (no ffmpeg)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from videogen_media.layer_frames import LayerUnreadable, Sprite, entrance_looks, load_sprite
from videogen_media.scene_types import Entrance, Layer
from videogen_media.segment_motion import plan_layers, runs, select_expr, step_expr
from videogen_media.segment_plan import ScenePlan, plan_scene, transition_frames

FPS, SIZE = 30, (1280, 720)


def _layer(tmp_path: Path, name: str = "a", enter: Entrance = "fade", **kw: object) -> Layer:
    image = Image.new("RGBA", (200, 100))
    image.paste((255, 0, 0, 255), (20, 10, 120, 60))  # visible box: 100x50 at (20, 10)
    image.save(tmp_path / f"{name}.png")
    return Layer(tmp_path / f"{name}.png", 300, 200, enter, **kw)  # type: ignore[arg-type]


def test_runs_and_select_keep_exactly_the_frames() -> None:
    assert runs([0, 1, 2, 7, 9, 10]) == [(0, 2), (7, 7), (9, 10)]
    expr = select_expr([0, 1, 2, 7])
    assert expr == "between(n,0,2)+eq(n,7)"


def test_step_expr_is_a_flat_sum_of_integer_steps() -> None:
    assert step_expr([(0, 5), (3, 5), (4, 6), (9, 4)], "F") == "5+1*gte(F,4)+-2*gte(F,9)"


def test_sprites_are_cropped_to_their_visible_box(tmp_path: Path) -> None:
    sprite = load_sprite(_layer(tmp_path))
    assert sprite.size == (100, 50)
    assert (sprite.layer.x, sprite.layer.y) == (320, 210)
    Image.new("RGBA", (10, 10)).save(tmp_path / "empty.png")
    with pytest.raises(LayerUnreadable, match="no visible pixel"):
        load_sprite(Layer(tmp_path / "empty.png", 0, 0))


def _plan(
    layers: list[Layer],
    frames: int = 150,
    changes: frozenset[int] = frozenset(),
    transition: int = 0,
) -> tuple[list[Sprite], ScenePlan]:
    sprites = [load_sprite(layer) for layer in layers]
    motions = plan_layers([s.layer for s in sprites], [s.size for s in sprites], frames, FPS, SIZE)
    plan = plan_scene(
        0, frames, transition, [s.layer for s in sprites], motions, set(changes), FPS, SIZE
    )
    return sprites, plan


def test_a_scene_ends_on_its_still_and_never_rests_2_s(tmp_path: Path) -> None:
    # No drift in the design: the first layer is given one, so the scene still moves.
    sprites, plan = _plan([_layer(tmp_path, "a", "rise"), _layer(tmp_path, "b", enter_at=0.5)])
    for sprite, steps in zip(sprites, plan.steps, strict=True):
        assert steps[-1][1:] == (sprite.layer.x, sprite.layer.y)  # the still's position
    assert set(range(0, 14)) <= set(plan.kept)  # the rise, at the full rate
    gaps = [b - a for a, b in itertools.pairwise(plan.kept)]
    assert max(gaps) < 2 * FPS
    assert len(plan.kept) < 150 // 2  # and most frames are repeats


def test_caption_changes_and_transitions_are_kept(tmp_path: Path) -> None:
    _, plan = _plan(
        [_layer(tmp_path, drift=(2.0, 0.0))], changes=frozenset({40, 41, 97}), transition=12
    )
    assert {40, 41, 97} <= set(plan.kept)
    assert set(range(13)) <= set(plan.kept)


def test_transition_length_fits_the_scene() -> None:
    assert transition_frames(0.4, 30, 150, True) == 12
    assert transition_frames(0.4, 30, 150, False) == 0
    assert transition_frames(0.4, 30, 10, True) == 5
    assert transition_frames(0.4, 30, 3, True) == 0


@pytest.mark.parametrize("enter", ["fade", "pop", "wipe", "rise"])
def test_entrance_looks_build_up_to_the_layer(tmp_path: Path, enter: Entrance) -> None:
    sprite = load_sprite(_layer(tmp_path, enter=enter, enter_s=0.3))
    motion = plan_layers([sprite.layer], [sprite.size], 90, FPS, SIZE)[0]
    looks = entrance_looks(sprite, motion)
    assert len(looks) == motion.entering + 1 == 10
    coverage = [int(look[..., 3].astype(np.int64).sum()) for look in looks]
    assert coverage[0] < coverage[-1] // 2  # barely there at first
    assert coverage[-1] == int(sprite.pixels[..., 3].astype(np.int64).sum())  # itself at last
    if enter == "wipe":  # revealed from the left
        first = looks[2][..., 3]
        assert first[:, :10].sum() > first[:, -10:].sum()

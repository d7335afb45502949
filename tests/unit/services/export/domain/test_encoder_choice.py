"""The export service picks the encoder's preset and crf from what the render asks for."""

from __future__ import annotations

import pytest
from export_service.adapters.timeline import render_settings_of
from export_service.domain.encoder_choice import crf_for, encoder_choice
from videogen_contracts.project.production import EncodeEffort, RenderSettings


@pytest.mark.parametrize(
    ("effort", "chosen"),
    [("fast", ("ultrafast", 28)), ("balanced", ("veryfast", 23)), ("high", ("medium", 20))],
)
def test_effort_picks_the_preset_and_crf(effort: EncodeEffort, chosen: tuple[str, int]) -> None:
    assert encoder_choice(RenderSettings(effort=effort)) == chosen


def test_a_quality_level_sets_the_crf_whatever_the_effort() -> None:
    assert encoder_choice(RenderSettings(effort="fast", quality_level=100)) == ("ultrafast", 18)
    assert encoder_choice(RenderSettings(quality_level=0)) == ("veryfast", 40)
    assert [crf_for(level) for level in (0, 50, 100)] == [40, 29, 18]


def test_a_render_that_asks_nothing_keeps_its_own_preset_and_crf() -> None:
    # Events written before `effort` and `quality_level` carry the gateway's old choice.
    assert encoder_choice(RenderSettings(preset="medium", crf=20)) == ("medium", 20)
    assert encoder_choice(RenderSettings()) == ("veryfast", 23)


def test_the_renderer_gets_the_choice() -> None:
    chosen = render_settings_of(RenderSettings(effort="high", quality_level=100))
    assert (chosen.preset, chosen.crf) == ("medium", 18)

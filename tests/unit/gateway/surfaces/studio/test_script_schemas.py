"""The studio's script shapes: the seed's own limits, and the service's answers renamed."""

from __future__ import annotations

import pytest
from videogen_contracts.replies import CommandRejected
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.studio.script_schemas import (
    ScriptBody,
    ShortScriptBody,
    script_mode,
    script_rejection,
    short_minutes,
)


@pytest.mark.parametrize("minutes", [1, 1.5, 10])
def test_short_scripts_take_one_to_ten_minutes(minutes: float) -> None:
    assert short_minutes(ShortScriptBody(target_duration=minutes)) == minutes


@pytest.mark.parametrize("minutes", [0, 0.99, 10.01, 11, -3])
def test_other_lengths_are_refused_naming_the_field(minutes: float) -> None:
    with pytest.raises(ApiError) as caught:
        short_minutes(ShortScriptBody(target_duration=minutes))
    assert (caught.value.status, caught.value.field) == (400, "targetDuration")


def test_from_outline_needs_an_outline() -> None:
    script_mode(ScriptBody())
    with pytest.raises(ApiError) as caught:
        script_mode(ScriptBody(mode="from-outline"))
    assert caught.value.field == "outlineId"


def test_rejections_speak_the_studio_s_names() -> None:
    rejected = script_rejection(CommandRejected(
        code="invalid", field="sentence_ids",
        message="sentence_ids must list every sentence of the section once",
    ))
    assert (rejected.status, rejected.field) == (400, "sentenceIds")
    assert rejected.detail == "sentenceIds must list every sentence of the section once"
    minutes = script_rejection(CommandRejected(code="invalid", field="target_minutes",
                                               message="target_minutes is too long"))
    assert (minutes.field, minutes.detail) == ("targetDuration", "targetDuration is too long")
    conflict = script_rejection(CommandRejected(code="conflict", message="a run is going"))
    assert (conflict.status, conflict.field) == (409, None)

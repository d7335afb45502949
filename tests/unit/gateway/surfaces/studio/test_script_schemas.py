"""The studio's script shapes: the seed's own limits, and the service's answers renamed."""

from __future__ import annotations

import msgspec
import pytest
from videogen_contracts.replies import CommandRejected
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.studio.script_schemas import (
    ScriptBody,
    ShortScriptBody,
    move_rejection,
    script_mode,
    script_rejection,
    short_minutes,
)


def short_body(minutes: object) -> ShortScriptBody:
    raw = msgspec.json.encode({"targetDuration": minutes})
    return msgspec.json.decode(raw, type=ShortScriptBody)


@pytest.mark.parametrize("minutes", [1, 1.5, 10])
def test_short_scripts_take_one_to_ten_minutes(minutes: float) -> None:
    assert short_minutes(short_body(minutes).target_duration, 30.0) == minutes


@pytest.mark.parametrize("minutes", [0, 0.99, 10.01, 11, -3])
def test_other_lengths_are_refused_naming_the_field(minutes: float) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.targetDuration"):
        short_body(minutes)


@pytest.mark.parametrize(
    ("project", "chosen"), [(3.0, 3.0), (0.5, 1), (30.0, 10), (10.0, 10.0), (None, None)]
)
def test_without_a_length_the_project_s_is_used_within_one_to_ten(
    project: float | None, chosen: float | None
) -> None:
    assert short_minutes(short_body(None).target_duration, project) == chosen
    assert short_minutes(ShortScriptBody().target_duration, project) == chosen


def test_a_move_to_another_project_s_section_is_a_400() -> None:
    unknown = CommandRejected(
        code="not_found", field="target_section_id",
        message="target section 1 not found in this project's script",
    )
    elsewhere = move_rejection(unknown, target_elsewhere=True)
    assert (elsewhere.status, elsewhere.field) == (400, "targetSectionId")
    nowhere = move_rejection(unknown, target_elsewhere=False)
    assert (nowhere.status, nowhere.field) == (404, "targetSectionId")
    sentence_gone = CommandRejected(code="not_found", message="sentence 2 not found")
    assert move_rejection(sentence_gone, target_elsewhere=True).status == 404


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

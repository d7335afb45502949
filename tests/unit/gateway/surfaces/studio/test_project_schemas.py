"""The studio surface's translation: request JSON → commands, read rows → response JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import msgspec
from msgspec import UNSET
from videogen_contracts.project.commands import UpdateProject
from videogen_contracts.replies import CommandRejected
from videogen_gateway.readmodels.projects.rows import CastRow, ProjectDetail, ProjectRow
from videogen_gateway.surfaces.studio import project_schemas as shapes

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _row(**overrides: object) -> ProjectRow:
    values: dict[str, object] = {
        "id": uuid4(), "topic": "Volcanoes", "style": "documentary",
        "target_duration_minutes": 5.0, "description": None, "audience": "kids",
        "goal": None, "tone": None, "language": "en", "aspect_ratio": "16:9", "owner": None,
        "status": "draft", "section_count": 0, "sentence_count": 0,
        "created_at": NOW, "updated_at": NOW,
    }
    values.update(overrides)
    return ProjectRow(**values)  # type: ignore[arg-type]


def test_create_body_in_camel_case_becomes_a_create_command() -> None:
    body = msgspec.json.decode(
        b'{"topic": "Volcanoes", "targetDuration": 5, "aspectRatio": "9:16", "tone": "calm"}',
        type=shapes.ProjectBody,
    )
    command = shapes.create_command(body, "cmd-1", NOW)
    assert command.topic == "Volcanoes"
    assert command.target_duration_minutes == 5
    assert command.aspect_ratio == "9:16"
    assert command.tone == "calm"
    assert command.language == "en"  # the default when not sent
    assert command.command_id == "cmd-1"
    assert command.now == NOW


def test_null_language_and_aspect_ratio_mean_the_defaults() -> None:
    body = shapes.ProjectBody(topic="x", language=None, aspect_ratio=None)
    command = shapes.create_command(body, "c", NOW)
    assert (command.language, command.aspect_ratio) == ("en", "16:9")


def test_update_sends_only_the_fields_present_and_null_clears() -> None:
    patch = msgspec.json.decode(
        b'{"targetDuration": 12.5, "style": null}', type=shapes.ProjectPatch
    )
    pid = uuid4()
    command = shapes.update_command(patch, pid, "c", NOW)
    assert command.project_id == pid
    assert command.target_duration_minutes == 12.5
    assert command.style is None
    assert command.topic is UNSET
    assert command.description is UNSET
    # On the wire the unchanged fields are absent, not null.
    wire = msgspec.json.decode(msgspec.json.encode(command))
    assert "topic" not in wire
    assert wire["style"] is None
    assert isinstance(msgspec.json.decode(msgspec.json.encode(command), type=UpdateProject),
                      UpdateProject)


def test_project_json_has_the_express_shape() -> None:
    row = _row(section_count=2, sentence_count=7)
    out = msgspec.json.decode(msgspec.json.encode(shapes.project_out(row)))
    assert set(out) == {
        "id", "topic", "style", "targetDuration", "description", "audience", "goal", "tone",
        "language", "aspectRatio", "status", "createdAt", "updatedAt", "sectionCount",
        "sentenceCount", "_count",
    }
    assert out["_count"] == {"sections": 2, "sentences": 7}
    assert out["targetDuration"] == 5.0
    assert out["status"] == "draft"
    assert out["createdAt"].startswith("2025-01-02T03:04:05")


def test_detail_adds_cast_in_order_and_empty_sections() -> None:
    cast = [CastRow(id=uuid4(), name=n, description=None, role="host", voice=None)
            for n in ("Ada", "Bo")]
    detail = shapes.project_detail_out(ProjectDetail(project=_row(), cast=cast))
    out = msgspec.json.decode(msgspec.json.encode(detail))
    assert [c["name"] for c in out["cast"]] == ["Ada", "Bo"]
    assert set(out["cast"][0]) == {"id", "name", "description", "role", "voice"}
    assert out["sections"] == []


def test_cast_specs_get_fresh_ids() -> None:
    specs = shapes.cast_specs([shapes.CastBody(name="A"), shapes.CastBody(name="B")])
    assert len({s.character_id for s in specs}) == 2


def test_rejected_fields_are_renamed_to_the_studio_names() -> None:
    assert shapes.studio_field("target_duration_minutes", batch=False) == "targetDuration"
    assert shapes.studio_field("members[3].name", batch=True) == "characters[3].name"
    assert shapes.studio_field("members[0].description", batch=False) == "description"
    assert shapes.studio_field("members", batch=True) == "characters"
    assert shapes.studio_field("members[1].character_id", batch=True) == "characters[1].id"


def test_a_rejection_becomes_a_problem_with_status_field_and_message() -> None:
    rejected = shapes.studio_rejection(
        CommandRejected(
            code="invalid",
            message="target_duration_minutes must be > 0 and <= 180 (got -1)",
            field="target_duration_minutes",
        )
    )
    assert rejected.status == 400
    assert rejected.field == "targetDuration"
    assert rejected.detail == "targetDuration must be > 0 and <= 180 (got -1)"
    assert shapes.studio_rejection(CommandRejected(code="not_found", message="x")).status == 404
    assert shapes.studio_rejection(CommandRejected(code="conflict", message="x")).status == 409
    assert shapes.studio_rejection(CommandRejected(code="too_large", message="x")).status == 413
    assert shapes.studio_rejection(CommandRejected(code="unavailable", message="x")).status == 503


def test_empty_batch_rejection_names_characters() -> None:
    rejected = shapes.studio_rejection(
        CommandRejected(code="invalid", message="members must not be empty", field="members"),
        batch=True,
    )
    assert (rejected.field, rejected.detail) == ("characters", "characters must not be empty")


def test_health_names_the_failing_part() -> None:
    from videogen_gateway.health.checks import Check

    checks = [
        Check(name="postgres", kind="database", ok=True, latency_ms=0.4),
        Check(name="project", kind="service", ok=False, latency_ms=1.0, error="no responders"),
    ]
    out = shapes.health_out(checks)
    assert out.status == "unavailable"
    assert out.error == "project: no responders"
    assert out.checks["postgres"].status == "ok"
    assert shapes.health_out(checks[:1]).status == "ok"

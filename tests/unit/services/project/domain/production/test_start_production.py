"""Starting a production, given/when/then over the two streams it writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from project_service.domain.production.decider import INITIAL as NO_PRODUCTION
from project_service.domain.production.decider import Production
from project_service.domain.production.rules import TEXT_MAX, topic_from_text
from project_service.domain.production.start import decide_start
from project_service.domain.project import INITIAL as NO_PROJECT
from project_service.domain.project import Project
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.project.events import ProjectCreated
from videogen_contracts.project.production import (
    ProductionQueued,
    RenderSettings,
    StartProduction,
    VoiceSettings,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
JOB = UUID("00000000-0000-4000-8000-000000000001")
LIVE_PROJECT = Project(created=True)


def start(**fields: Any) -> StartProduction:
    defaults: dict[str, Any] = {
        "command_id": "c1", "now": NOW, "production_id": JOB, "project_id": JOB,
        "text": "Once upon a time, in a faraway land... There lived a fox.",
    }
    return StartProduction(**(defaults | fields))


def test_a_text_job_creates_its_project_and_a_queued_production() -> None:
    project_events, production_events = decide_start(start(), NO_PROJECT, NO_PRODUCTION)
    assert project_events == [
        ProjectCreated(
            project_id=JOB, topic="Once upon a time, in a faraway land... There lived a fox.",
            style=None, target_duration_minutes=None, description=None, audience=None,
            goal=None, tone=None, language="en", aspect_ratio="16:9", owner=None,
            created_at=NOW,
        )
    ]
    assert production_events == [
        ProductionQueued(
            production_id=JOB, project_id=JOB, kind="text2video", text=start().text,
            render=RenderSettings(), voice=VoiceSettings(), language="en", queued_at=NOW,
        )
    ]


def test_a_production_of_a_live_project_leaves_the_project_alone() -> None:
    project_events, production_events = decide_start(start(), LIVE_PROJECT, NO_PRODUCTION)
    assert project_events == []
    assert len(production_events) == 1


def test_a_production_of_a_deleted_project_is_refused() -> None:
    with pytest.raises(NotFound):
        decide_start(start(), Project(created=True, deleted=True), NO_PRODUCTION)


def test_an_existing_production_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        decide_start(start(), LIVE_PROJECT, Production(exists=True))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "  \n\t "}, "text"),
        ({"text": "... !!! ???"}, "text"),
        ({"text": "🎉🎉 🚀"}, "text"),
        ({"text": "a" * (TEXT_MAX + 1)}, "text"),
        ({"language": " "}, "language"),
        ({"render": RenderSettings(width=1281)}, "render"),
        ({"render": RenderSettings(fps=0)}, "render.fps"),
        ({"render": RenderSettings(crf=99)}, "render.crf"),
        ({"render": RenderSettings(preset="ludicrous")}, "render.preset"),
        ({"render": RenderSettings(codec="av1")}, "render.codec"),
        ({"voice": VoiceSettings(rate=float("nan"))}, "voice.rate"),
        ({"voice": VoiceSettings(pause_ms=-1)}, "voice.pause_ms"),
    ],
)
def test_bad_input_is_invalid_and_names_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        decide_start(start(**fields), NO_PROJECT, NO_PRODUCTION)
    assert caught.value.field == field


def test_mixed_scripts_are_speakable() -> None:
    text = "東京は大きい。مرحبا بالعالم! Emoji 🎉 inside."
    _, events = decide_start(start(text=text), NO_PROJECT, NO_PRODUCTION)
    assert len(events) == 1


def test_the_topic_is_the_start_of_the_text_cut_on_a_word() -> None:
    text = "The quick brown fox jumps over the lazy dog. " * 5
    topic = topic_from_text(text)
    assert topic.endswith("…")
    assert len(topic) <= 81
    assert text.startswith(topic[:-1])
    assert topic_from_text("  short\n\ntext  ") == "short text"
    assert len(topic_from_text("東" * 200)) == 81

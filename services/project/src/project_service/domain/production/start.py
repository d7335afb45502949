"""Starting a production: the one decision that writes two streams (project, production).

A text2video or Aura job has no project yet, so `StartProduction` creates it (from the
start of the text, or from the brief: topic, audience, goal, tone, style) next to the
production. A production for an existing, live project leaves the project alone. The
handler appends both lists in one transaction.
"""

from __future__ import annotations

from msgspec import UNSET
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.media.events import Presentation
from videogen_contracts.project.events import ProjectCreated, ProjectEvent
from videogen_contracts.project.production import (
    ProductionBrief,
    ProductionEvent,
    ProductionQueued,
    StartProduction,
)

from project_service.domain.production.decider import Production
from project_service.domain.production.rules import check_start, topic_from_text
from project_service.domain.project import Project


def decide_start(
    command: StartProduction, project: Project, production: Production
) -> tuple[list[ProjectEvent], list[ProductionEvent]]:
    """(events for `project-<id>`, events for `production-<id>`); raises a DomainError."""
    check_start(command)
    if production.exists:
        raise Conflict(f"production {command.production_id} already exists")
    if project.deleted:
        raise NotFound(f"project {command.project_id} not found")
    if command.kind == "project" and not project.created:
        # Rendering a studio project's script needs the project (and its script) to exist.
        raise NotFound(f"project {command.project_id} not found")
    project_events: list[ProjectEvent] = []
    if not project.created:
        project_events.append(_project_for(command))
    queued = ProductionQueued(
        production_id=command.production_id, project_id=command.project_id, kind=command.kind,
        text=command.text, render=command.render, voice=command.voice, language=command.language,
        queued_at=command.now, brief=command.brief if command.brief is not None else UNSET,
        # The default look is left out, so a production queued without one records what
        # it always did (and reads back equal).
        presentation=command.presentation if command.presentation != Presentation() else UNSET,
    )
    return project_events, [queued]


def _project_for(command: StartProduction) -> ProjectCreated:
    """The project a new production creates: from its brief (Aura), else from its text."""
    brief = command.brief
    if command.kind != "brief" or brief is None:
        brief = ProductionBrief(topic=topic_from_text(command.text))
    plan = [f"{k}: {v}" for k, v in (("Pacing", brief.pacing), ("Density", brief.density)) if v]
    return ProjectCreated(
        project_id=command.project_id,
        topic=brief.topic,
        style=brief.style,
        target_duration_minutes=brief.target_minutes,
        # The plan's pacing and density reach the script writer with the brief.
        description=". ".join(plan) + "." if plan else None,
        audience=brief.audience,
        goal=brief.goal,
        tone=brief.tone,
        language=command.language,
        aspect_ratio=command.render.aspect,
        owner=None,
        created_at=command.now,
    )

"""Kind "project": a production renders the studio project's CURRENT script, asked of the
script service when it starts scripting, with the studio's own sentence ids."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
from project_service.domain.production.decider import INITIAL as NO_PRODUCTION
from project_service.domain.production.start import decide_start
from project_service.domain.project import INITIAL as NO_PROJECT
from project_service.domain.project import Project
from videogen_bus.consumer import TransientError
from videogen_contracts.envelope import EventMetadata, NewEvent, to_raw
from videogen_contracts.errors import Invalid, NotFound
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.project.events import ProjectCreated
from videogen_contracts.project.events import stream_id_for as project_stream
from videogen_contracts.project.production import (
    ProductionFailed,
    ProductionQueued,
    ProductionScriptAttached,
    StartProduction,
)
from videogen_contracts.replies import CommandRejected, QueryAnswered
from videogen_contracts.script.events import ScriptSection, ScriptSentence
from videogen_contracts.script.queries import GetProjectScript, ProjectScript
from videogen_eventstore.api import START

from .test_production_policy import JOB, NOW, Remote, World

PROJECT = UUID("00000000-0000-4000-8000-0000000000aa")
SCRIPT = UUID("00000000-0000-4000-8000-0000000000bb")
A, B = UUID(int=100), UUID(int=101)
INTRO, OUTRO = UUID(int=1), UUID(int=2)
A1, A2, B1 = UUID(int=21), UUID(int=22), UUID(int=23)


def project_script(*sections: ScriptSection) -> ProjectScript:
    return ProjectScript(project_id=PROJECT, script_id=SCRIPT, version=7, sections=list(sections))


STUDIO_SCRIPT = project_script(
    # Out of order on purpose: the production reads sections and sentences by `order`.
    ScriptSection(section_id=OUTRO, title="Outro", order=1, sentences=[
        ScriptSentence(sentence_id=B1, text="Goodbye.", order=0),
    ]),
    ScriptSection(section_id=INTRO, title="Intro", order=0, sentences=[
        ScriptSentence(sentence_id=A2, text="Second line.", order=1),
        ScriptSentence(sentence_id=A1, text="First line.", order=0),
    ]),
)


def answered(script: ProjectScript) -> QueryAnswered:
    return QueryAnswered(answer=msgspec.Raw(msgspec.json.encode(script)))


class ProjectWorld(World):
    """The policy world, with a live studio project and a script service that answers."""

    def __init__(self, reply: Any = None) -> None:
        super().__init__()
        self.query = Remote(reply=reply or answered(STUDIO_SCRIPT))
        self.bus.serve_commands("script", {"get_project_script": self.query})

    async def create_project(self) -> None:
        created = ProjectCreated(
            project_id=PROJECT, topic="Foxes", style=None, target_duration_minutes=None,
            description=None, audience=None, goal=None, tone=None, language="en",
            aspect_ratio="16:9", owner=None, created_at=NOW,
        )
        new = NewEvent(
            event_id=uuid4(), type="ProjectCreated", data=to_raw(created),
            metadata=EventMetadata(correlation_id="c0", project_id=str(PROJECT)),
        )
        await self.store.append(project_stream(PROJECT), [new], 0)

    async def start(self) -> None:
        await self.create_project()
        command = StartProduction(
            command_id="render-1", now=NOW, production_id=JOB, project_id=PROJECT,
            kind="project",
        )
        await self.handlers.handle(command, correlation_id="corr-1", causation_id=None)
        await self.pump()


async def test_the_current_script_is_asked_for_and_attached_in_reading_order() -> None:
    world = ProjectWorld()
    await world.start()

    assert world.remotes["script"].received == [], "nothing is drafted"
    asked = msgspec.json.decode(world.query.received[0], type=GetProjectScript)
    assert asked.project_id == PROJECT
    history = await world.history()
    attached = next(e for e in history if isinstance(e, ProductionScriptAttached))
    assert attached.script_id == SCRIPT
    assert [(s.sentence_id, s.section_id) for s in attached.sentences] == [
        (A1, INTRO), (A2, INTRO), (B1, OUTRO)
    ]
    assert (await world.production()).stage == "narrating"
    prepare = msgspec.json.decode(world.remotes["media"].received[0], type=PrepareMedia)
    assert (prepare.production_id, prepare.project_id) == (JOB, PROJECT)
    assert [s.text for s in prepare.sentences] == ["First line.", "Second line.", "Goodbye."]


async def test_a_redelivered_scripting_event_attaches_the_script_once() -> None:
    world = ProjectWorld()
    await world.start()
    before = await world.history()
    world.tracker.handled.clear()  # the crash-before-tracking case: every event again
    world.query.reply = answered(project_script())  # the script changed meanwhile
    for event in await world.store.read_all(START):
        await world.policy.on_event(event)
    assert await world.history() == before
    assert len(world.query.received) == 1, "asked once: the script was attached by then"


async def test_a_project_without_a_script_fails_the_production() -> None:
    world = ProjectWorld(CommandRejected(code="not_found", message="project has no script"))
    await world.start()
    failed = (await world.history())[-1]
    assert isinstance(failed, ProductionFailed)
    assert (failed.stage, failed.code) == ("scripting", "script_failed")
    assert "no script" in failed.reason


async def test_an_empty_script_fails_the_production() -> None:
    world = ProjectWorld(answered(project_script(
        ScriptSection(section_id=INTRO, title="Intro", order=0, sentences=[])
    )))
    await world.start()
    failed = (await world.history())[-1]
    assert isinstance(failed, ProductionFailed)
    assert "no sentences" in failed.reason


@pytest.mark.parametrize(
    "reply",
    [
        CommandRejected(code="unavailable", message="database down"),
        QueryAnswered(answer=msgspec.Raw(b'{"not": "a script"}')),
    ],
    ids=["unavailable", "malformed"],
)
async def test_a_script_service_that_cannot_answer_is_retried(reply: Any) -> None:
    world = ProjectWorld(reply)
    with pytest.raises(TransientError):
        await world.start()
    assert (await world.production()).stage == "scripting"


def start_command(**fields: Any) -> StartProduction:
    defaults: dict[str, Any] = {
        "command_id": "c1", "now": NOW, "production_id": JOB, "project_id": PROJECT,
        "kind": "project",
    }
    return StartProduction(**(defaults | fields))


def test_a_project_render_needs_the_project_and_no_text() -> None:
    project_events, production_events = decide_start(
        start_command(), Project(created=True), NO_PRODUCTION
    )
    assert project_events == []
    assert isinstance(production_events[0], ProductionQueued)
    assert production_events[0].kind == "project"
    with pytest.raises(NotFound):
        decide_start(start_command(), NO_PROJECT, NO_PRODUCTION)
    with pytest.raises(NotFound):
        decide_start(start_command(), Project(created=True, deleted=True), NO_PRODUCTION)


def test_a_text_job_still_needs_its_text() -> None:
    with pytest.raises(Invalid):
        decide_start(start_command(kind="text2video"), NO_PROJECT, NO_PRODUCTION)

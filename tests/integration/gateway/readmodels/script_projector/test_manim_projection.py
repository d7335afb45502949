"""The Manim read models on real PostgreSQL: a session's jobs and scene versions, a task's
status and step times (what the ETA reads), and the project's feed, in order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import uuid4

import asyncpg
import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.script.manim import (
    GENERATE_STEPS,
    CodeRequested,
    CodeWritten,
    CombinedScene,
    CombineRequested,
    ManimJobStarted,
    ManimSessionOpened,
    ManimTaskCompleted,
    ManimTaskEventBase,
    ManimTaskProgressed,
    ManimTaskQueued,
    ManimTaskStepStarted,
    PlanRequested,
    PlanWritten,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    SceneResult,
    ScenesCombined,
    manim_project_key,
    manim_session_stream_id,
    manim_task_stream_id,
)
from videogen_gateway.readmodels.manim.queries import ManimQueries
from videogen_gateway.readmodels.projector import ScriptProjector
from videogen_gateway.surfaces.manim.schemas import job_out, task_result

from .conftest import NOW

Record = Callable[[msgspec.Struct], RecordedEvent]
SESSION = f"session_{uuid4().hex[:8]}"
PROJECT = manim_project_key("my_project")
TASK = uuid4()


def recorder() -> Record:
    positions = itertools.count(1)
    versions: dict[str, int] = {}

    def make(event: msgspec.Struct) -> RecordedEvent:
        stream = (manim_task_stream_id(TASK) if isinstance(event, ManimTaskEventBase)
                  else manim_session_stream_id(SESSION))
        versions[stream] = versions.get(stream, 0) + 1
        position = next(positions)
        return RecordedEvent(
            service="script", global_position=position, transaction_id=position,
            stream_id=stream, stream_version=versions[stream], event_id=uuid4(),
            type=event_type_name(type(event)), schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="test", project_id=str(PROJECT)),
            recorded_at=NOW,
        )

    return make


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


async def test_a_session_and_its_task(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str
) -> None:
    record = recorder()
    ids = {"session_id": SESSION, "project_id": PROJECT}
    plan_job, code_job, render_job, failed_job, combine_job = (uuid4() for _ in range(5))
    task = {"task_id": TASK, "project_id": PROJECT}
    events: list[msgspec.Struct] = [
        ManimTaskQueued(**task, kind="generate", project="my_project", session_id=SESSION,
                        prompt="Explain machine learning basics", scene_count=1,
                        steps=list(GENERATE_STEPS), queued_at=at(0)),
        ManimSessionOpened(**ids, project="my_project", topic="ML", opened_at=at(0)),
        ManimTaskStepStarted(**task, step="plan", index=1, message="planning",
                             started_at=at(0)),
        PlanRequested(**ids, job_id=plan_job, task_id=TASK, topic="ML", description="",
                      requested_at=at(0)),
        ManimJobStarted(**ids, job_id=plan_job, task_id=TASK, kind="plan", started_at=at(1)),
        PlanWritten(**ids, job_id=plan_job, task_id=TASK, plan_xml="<SCENE_OUTLINE/>",
                    scenes=[], writer="offline", written_at=at(2)),
        ManimTaskStepStarted(**task, step="render", index=3, message="rendering",
                             started_at=at(4)),
        CodeRequested(**ids, job_id=code_job, task_id=TASK, scene_number=1, topic="ML",
                      description="", scene_outline="o", implementation="i",
                      requested_at=at(4)),
        CodeWritten(**ids, job_id=code_job, task_id=TASK, scene_number=1, version=1,
                    code="bad", reason="written", writer="offline", written_at=at(5)),
        SceneRenderRequested(**ids, job_id=failed_job, task_id=TASK, scene_number=1,
                             version=1, code="bad", topic="ML", quality="low", width=854,
                             height=480, fps=15, max_duration_s=60, requested_at=at(5)),
        SceneRenderFailed(**ids, job_id=failed_job, task_id=TASK, scene_number=1, version=1,
                          error="exit status 1: NameError", failed_at=at(6)),
        CodeWritten(**ids, job_id=render_job, scene_number=1, version=2, code="good",
                    reason="supplied", writer="client", written_at=at(7)),
        SceneRenderRequested(**ids, job_id=render_job, scene_number=1, version=2,
                             code="good", topic="ML", quality="low", width=854, height=480,
                             fps=15, max_duration_s=60, requested_version=7,
                             requested_at=at(7)),
        SceneRendered(**ids, job_id=render_job, scene_number=1, version=2,
                      video_key="manim/k/scene_1_v2.mp4", code_key="manim/k/scene_1_v2.py",
                      duration_s=4.0, sandbox="bwrap", rendered_at=at(14)),
        ManimTaskProgressed(**task, step="render", progress=70, message="1 of 1", done=1,
                            total=1, at=at(14)),
        ManimTaskStepStarted(**task, step="combine", index=5, message="combining",
                             started_at=at(14)),
        CombineRequested(**ids, job_id=combine_job, task_id=TASK, requested_at=at(14), scenes=[
            CombinedScene(scene_number=1, version=2, video_key="manim/k/scene_1_v2.mp4",
                          duration_s=4.0)]),
        ScenesCombined(**ids, job_id=combine_job, task_id=TASK, output_key="manim/k/c.mp4",
                       duration_s=4.0, scenes=[], combined_at=at(16)),
        ManimTaskCompleted(**task, session_id=SESSION, combined_key="manim/k/c.mp4",
                           duration_s=4.0, completed_at=at(17), scenes=[SceneResult(
            scene_id=f"{SESSION}_scene_1", scene_number=1, version=2,
            video_key="manim/k/scene_1_v2.mp4", code_key="manim/k/scene_1_v2.py",
            duration_s=4.0)]),
    ]  # fmt: skip
    for event in events:
        await projector.apply(record(event))
    queries = ManimQueries(pool, schema)

    session = await queries.session(SESSION)
    assert session is not None
    assert (session.project, session.plan_xml) == ("my_project", "<SCENE_OUTLINE/>")
    plan = await queries.job(plan_job)
    assert plan is not None
    assert job_out(plan).result == {"topic": "ML", "session_id": SESSION,
                                    "plan": "<SCENE_OUTLINE/>"}
    failed = await queries.job(failed_job)
    assert failed is not None
    assert (job_out(failed).status, job_out(failed).error) == (
        "failed", "exit status 1: NameError")
    rendered = await queries.job(render_job)
    assert rendered is not None
    result = job_out(rendered).result
    assert result is not None
    assert (result["version"], result["code_version"], result["code"]) == (7, 2, "good")
    assert result["video_url"] == "/api/v1/video/files/manim/k/scene_1_v2.mp4"
    combined = await queries.job(combine_job)
    assert combined is not None
    assert job_out(combined).status == "completed"

    versions = await queries.scene_versions(SESSION, 1)
    assert [(v.version, v.reason, v.status) for v in versions] == [
        (1, "written", "failed"), (2, "supplied", "rendered")]
    assert [v.version for v in await queries.latest_scenes(SESSION)] == [2]

    done = await queries.task(TASK)
    assert done is not None
    assert (done.status, done.progress) == ("completed", 100)
    out = task_result(done)
    assert out is not None
    assert out.combined_video_url == "/api/v1/video/files/manim/k/c.mp4"
    # plan 4 s, render 10 s for its one scene, combine 3 s.
    assert await queries.step_seconds("generate") == {"plan": 4.0, "render": 10.0,
                                                     "combine": 3.0}

    feed = await queries.feed_after(PROJECT, 0)
    assert [m.id for m in feed] == list(range(1, len(feed) + 1))
    assert feed[-1].event == "completed"
    mine = await queries.task_feed_after((PROJECT, TASK), 0)
    # The client's render job is no task's: not in the task's feed.
    assert all(msgspec.json.decode(m.data).get("job_id") != str(render_job) for m in mine)
    assert await queries.head(PROJECT) == feed[-1].id
    again = await queries.task_feed_after((PROJECT, TASK), mine[2].id)
    assert [m.id for m in again] == [m.id for m in mine[3:]]

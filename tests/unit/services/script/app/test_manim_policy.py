"""The ManimTask process manager's rules, pure: a task and a session view in, commands out.

The world here plays the session: each request the policy sends becomes its request event
in the view, and the test writes the workers' answers. Task commands go through the real
task decider. Every reaction is repeated once to prove a repeat sends nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from script_service.app.manim_task.policy import react
from script_service.app.manim_task.reaction import WEIGHTS, Action, job_id_for
from script_service.app.manim_task.session_view import SessionView
from script_service.domain.manim_task import (
    CancelTask,
    CompleteManimTask,
    FailManimTask,
    ManimTaskCommand,
    RecordTaskProgress,
    RecordTaskStep,
    TaskStepCommand,
    decide,
    fold,
)
from videogen_contracts.script.manim import (
    CancelManimJobs,
    CancelManimTask,
    CodeRequested,
    CodeWritten,
    CombinedScene,
    ImplementationsWritten,
    ManimJobFailed,
    ManimJobStarted,
    ManimRenderConfig,
    ManimSessionEvent,
    ManimSessionOpened,
    ManimTaskEvent,
    PlanWritten,
    RequestCode,
    RequestCombine,
    RequestImplementations,
    RequestPlan,
    RequestSceneRender,
    SceneImplementation,
    ScenePlan,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    ScenesCombined,
    StartManimTask,
    manim_project_key,
)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
TID = UUID("00000000-0000-4000-8000-000000000007")
SESSION = "session_0123abcd"
KEY = manim_project_key("proj-1")
KINDS = {
    RequestPlan: "plan", RequestImplementations: "implement", RequestSceneRender: "render",
    RequestCombine: "combine",
}


class World:
    def __init__(self, **start: Any) -> None:
        fields: dict[str, Any] = {
            "kind": "generate", "project": "proj-1", "session_id": SESSION,
            "prompt": "Explain machine learning basics", "scene_count": 3,
        }
        command = StartManimTask(command_id="c0", now=NOW, task_id=TID, **(fields | start))
        self.task: list[ManimTaskEvent] = decide(command, fold([]))
        self.view = SessionView()
        self.view.apply(ManimSessionOpened(
            session_id=SESSION, project_id=KEY, project="proj-1", topic="ML basics",
            opened_at=NOW,
        ))
        self.sent: list[Action] = []

    def react(self) -> list[Action]:
        """One reaction, applied (requests to the view, steps to the task); a repeat of it
        right after must send nothing."""
        actions = react(fold(self.task), self.view, NOW)
        for action in actions:
            if isinstance(action, TaskStepCommand):
                self.decide(action)
            elif not isinstance(action, CancelManimJobs):
                self.view.apply(requested(action))
        self.sent += actions
        again = react(fold(self.task), self.view, NOW)
        assert again == [] or all(isinstance(a, CancelManimJobs) for a in again), again
        return actions

    def decide(self, command: ManimTaskCommand) -> None:
        self.task += decide(command, fold(self.task))

    def answer(self, *events: ManimSessionEvent) -> list[Action]:
        for event in events:
            self.view.apply(event)
        return self.react()

    def cancel(self) -> None:
        cancel = CancelManimTask(command_id="x", now=NOW, task_id=TID)
        running = self.view.running_jobs(TID)
        self.decide(CancelTask(cancel=cancel, running_jobs=running))

    @property
    def state(self) -> Any:
        return fold(self.task)


def requested(action: Action) -> ManimSessionEvent:
    """The request event the session appends for `action` (only what the view reads)."""
    assert hasattr(action, "job_id")
    assert hasattr(action, "task_id")
    ids: dict[str, Any] = {
        "session_id": SESSION, "project_id": KEY, "job_id": action.job_id,
        "task_id": action.task_id,
    }
    if isinstance(action, RequestCode):
        return CodeRequested(
            **ids, scene_number=action.scene_number, topic="t", description="", scene_outline="o",
            implementation="i", requested_at=NOW,
        )
    return ManimJobStarted(**ids, kind=KINDS[type(action)], started_at=NOW)  # type: ignore[arg-type]


def ids(job_id: UUID, task: UUID | None = TID) -> dict[str, Any]:
    return {"session_id": SESSION, "project_id": KEY, "job_id": job_id, "task_id": task}


def plan_written(count: int = 3) -> PlanWritten:
    scenes = [
        ScenePlan(scene_number=n, title=f"S{n}", purpose="p", description="d", layout="l")
        for n in range(1, count + 1)
    ]
    return PlanWritten(
        **ids(job_id_for(TID, "plan")), plan_xml="<SCENE_OUTLINE/>", scenes=scenes,
        writer="offline", written_at=NOW,
    )


def implemented(count: int = 3) -> ImplementationsWritten:
    items = [
        SceneImplementation(
            scene_number=n, storyboard="s", technical_implementation="t",
            animation_narration="a", narration=f"Scene {n} says this.",
        )
        for n in range(1, count + 1)
    ]
    return ImplementationsWritten(
        **ids(job_id_for(TID, "implementations")), implementations=items, writer="offline",
        written_at=NOW,
    )


def code(scene: int, attempt: int = 1, version: int | None = None) -> CodeWritten:
    return CodeWritten(
        **ids(job_id_for(TID, "code", scene, attempt)), scene_number=scene,
        version=version or attempt, code=f"class Scene{scene}: ...", reason="written",
        writer="offline", written_at=NOW,
    )


def rendered(scene: int, attempt: int = 1, version: int | None = None) -> SceneRendered:
    v = version or attempt
    return SceneRendered(
        **ids(job_id_for(TID, "render", scene, attempt)), scene_number=scene, version=v,
        video_key=f"s{scene}v{v}.mp4", srt_key=f"s{scene}v{v}.srt", code_key=f"s{scene}v{v}.py",
        duration_s=4.0, sandbox="bwrap", rendered_at=NOW,
    )


def render_failed(scene: int, attempt: int = 1, error: str = "NameError: x") -> SceneRenderFailed:
    return SceneRenderFailed(
        **ids(job_id_for(TID, "render", scene, attempt)), scene_number=scene, version=attempt,
        error=error, failed_at=NOW,
    )


def combined(*versions: tuple[int, int]) -> ScenesCombined:
    scenes = [
        CombinedScene(
            scene_number=n, version=v, video_key=f"s{n}v{v}.mp4", srt_key=f"s{n}v{v}.srt",
            duration_s=4.0,
        )
        for n, v in versions
    ]
    return ScenesCombined(
        **ids(job_id_for(TID, "combine")), output_key="all.mp4", srt_key="all.srt",
        duration_s=4.0 * len(scenes), scenes=scenes, combined_at=NOW,
    )


def kinds(actions: list[Action]) -> list[str]:
    """Each action by its type, with the step or scene it is about."""
    out = []
    for a in actions:
        match a:
            case RecordTaskStep():
                out.append(f"step:{a.step}")
            case RecordTaskProgress():
                out.append(f"progress:{a.progress}")
            case RequestCode() | RequestSceneRender():
                out.append(f"{type(a).__name__}:{a.scene_number}")
            case _:
                out.append(type(a).__name__)
    return out


def test_the_weights_of_each_kind_add_up_to_100() -> None:
    assert {kind: sum(w.values()) for kind, w in WEIGHTS.items()} == {"generate": 100, "edit": 100}


def test_generate_runs_plan_implementations_renders_upload_combine_finalize() -> None:
    world = World()
    assert kinds(world.react()) == ["step:plan", "RequestPlan"]
    [_, plan] = world.sent
    assert isinstance(plan, RequestPlan)
    assert (plan.job_id, plan.scene_count, plan.topic) == (
        job_id_for(TID, "plan"), 3, "Explain machine learning basics",
    )
    actions = world.answer(plan_written())
    assert kinds(actions) == ["progress:10", "step:implementations", "RequestImplementations"]
    assert isinstance(actions[-1], RequestImplementations)
    assert actions[-1].plan_xml == "<SCENE_OUTLINE/>"
    assert kinds(world.answer(implemented())) == [
        "progress:25", "step:render", "RequestCode:1", "RequestCode:2", "RequestCode:3",
    ]
    [render] = world.answer(code(2))
    assert isinstance(render, RequestSceneRender)
    assert (render.scene_number, render.attempt, render.narration, render.quality) == (
        2, 1, "Scene 2 says this.", "low",
    )
    assert kinds(world.answer(rendered(2))) == ["progress:45"]
    assert kinds(world.answer(code(1), code(3))) == ["RequestSceneRender:1", "RequestSceneRender:3"]
    assert kinds(world.answer(rendered(1))) == ["progress:65"]
    actions = world.answer(rendered(3))
    assert kinds(actions) == [
        "progress:85", "step:upload", "progress:88", "step:combine", "RequestCombine",
    ]
    assert isinstance(actions[-1], RequestCombine)
    assert actions[-1].scenes == [1, 2, 3]
    actions = world.answer(combined((1, 1), (2, 1), (3, 1)))
    assert kinds(actions) == ["progress:98", "step:finalize", "CompleteManimTask"]
    done = actions[-1]
    assert isinstance(done, CompleteManimTask)
    assert [(s.scene_id, s.version, s.code_key) for s in done.scenes] == [
        (f"{SESSION}_scene_{n}", 1, f"s{n}v1.py") for n in (1, 2, 3)
    ]
    assert (done.combined_key, done.combined_srt_key) == ("all.mp4", "all.srt")
    assert done.duration_s == 12.0
    assert world.state.status == "completed"
    assert [e.index for e in world.task if hasattr(e, "index")] == [1, 2, 3, 4, 5, 6]


def test_a_failed_render_asks_for_a_fix_with_the_error_then_renders_the_fix() -> None:
    world = World(scene_count=1)
    world.react()
    world.answer(plan_written(1))
    world.answer(implemented(1))
    world.answer(code(1))
    actions = world.answer(render_failed(1, error="NameError: name 'Circl' is not defined"))
    assert kinds(actions) == ["progress:25", "RequestCode:1"]
    note, fix = actions
    assert isinstance(note, RecordTaskProgress)
    assert note.message == "Fixing scene 1 (fix 1 of 3)"
    assert isinstance(fix, RequestCode)
    assert (fix.job_id, fix.failed_version, fix.error, fix.edit_prompt) == (
        job_id_for(TID, "code", 1, 2), 1, "NameError: name 'Circl' is not defined", None,
    )
    [render] = world.answer(code(1, attempt=2))
    assert isinstance(render, RequestSceneRender)
    assert (render.job_id, render.attempt) == (job_id_for(TID, "render", 1, 2), 2)
    assert kinds(world.answer(rendered(1, attempt=2)))[:2] == ["progress:85", "step:upload"]


@pytest.mark.parametrize("retries", [0, 1, 2])
def test_after_max_retries_fixes_the_task_fails_naming_the_scene_and_the_last_error(
    retries: int,
) -> None:
    world = World(scene_count=2, render_config=ManimRenderConfig(max_retries=retries))
    world.react()
    world.answer(plan_written(2))
    world.answer(implemented(2))
    world.answer(code(1), code(2))
    for attempt in range(1, retries + 1):
        world.answer(render_failed(2, attempt, error=f"error {attempt}"))
        world.answer(code(2, attempt + 1))
    actions = world.answer(render_failed(2, retries + 1, error="ZeroDivisionError: last"))
    assert kinds(actions) == ["FailManimTask", "CancelManimJobs"]
    assert isinstance(actions[0], FailManimTask)
    # Scene 1's render is still running: a failed task stops it.
    assert isinstance(actions[1], CancelManimJobs)
    assert actions[1].job_ids == [job_id_for(TID, "render", 1, 1)]
    assert "scene 2" in actions[0].error
    assert "ZeroDivisionError: last" in actions[0].error
    assert f"after {retries} fix" in actions[0].error
    assert world.state.status == "failed"
    assert world.answer(rendered(1)) == []


def test_a_failed_plan_or_combine_job_fails_the_task_with_its_reason() -> None:
    world = World()
    world.react()
    [fail] = world.answer(ManimJobFailed(
        **ids(job_id_for(TID, "plan")), kind="plan", reason="the model is down", failed_at=NOW,
    ))
    assert isinstance(fail, FailManimTask)
    assert fail.error == "plan failed: the model is down"
    assert fold(world.task).status == "failed"


def test_narration_off_renders_silent_scenes_at_the_asked_size() -> None:
    config = ManimRenderConfig(narration=False, quality="preview", width=320, height=180, fps=10)
    world = World(scene_count=1, render_config=config)
    world.react()
    world.answer(plan_written(1))
    world.answer(implemented(1))
    [render] = world.answer(code(1))
    assert isinstance(render, RequestSceneRender)
    assert (render.narration, render.narrate, render.quality, render.width, render.fps) == (
        None, False, "preview", 320, 10,
    )


def test_answers_of_other_jobs_move_nothing() -> None:
    world = World()
    world.react()
    other = UUID("00000000-0000-4000-8000-0000000000ff")
    stranger = PlanWritten(
        **ids(other, task=None), plan_xml="x", scenes=[], writer="offline", written_at=NOW
    )
    assert world.answer(stranger) == []


def test_an_edit_retrieves_edits_renders_only_its_scene_and_combines_all() -> None:
    world = World(kind="edit", prompt="make it more colorful", scene_number=2, scene_count=None)
    actions = world.react()
    assert kinds(actions) == ["step:retrieve", "progress:5", "step:code", "RequestCode:2"]
    edit = actions[-1]
    assert isinstance(edit, RequestCode)
    assert (edit.edit_prompt, edit.topic, edit.failed_version) == (
        "make it more colorful", "ML basics", None,
    )
    actions = world.answer(code(2, version=4))
    assert kinds(actions) == ["progress:20", "step:render", "RequestSceneRender:2"]
    actions = world.answer(rendered(2, version=4))
    assert kinds(actions) == ["progress:80", "step:combine", "RequestCombine"]
    assert isinstance(actions[-1], RequestCombine)
    assert actions[-1].scenes is None
    actions = world.answer(combined((1, 1), (2, 4), (3, 1)))
    assert kinds(actions) == ["progress:95", "step:finalize", "CompleteManimTask"]
    done = actions[-1]
    assert isinstance(done, CompleteManimTask)
    assert (done.scene_number, done.version) == (2, 4)
    assert [(s.scene_number, s.version) for s in done.scenes] == [(1, 1), (2, 4), (3, 1)]


def test_a_cancelled_task_cancels_its_running_jobs_and_does_nothing_more() -> None:
    world = World()
    world.react()
    world.answer(plan_written())
    world.answer(implemented())
    world.cancel()
    [stop] = world.react()
    assert isinstance(stop, CancelManimJobs)
    assert stop.job_ids == [job_id_for(TID, "code", n, 1) for n in (1, 2, 3)]
    assert stop.task_id == TID
    # A job that ends anyway changes nothing; the others are still asked to stop.
    actions = world.answer(code(1))
    assert kinds(actions) == ["CancelManimJobs"]
    assert isinstance(actions[0], CancelManimJobs)
    assert actions[0].job_ids == [job_id_for(TID, "code", n, 1) for n in (2, 3)]


def test_a_repeated_reaction_sends_the_same_commands_with_the_same_ids() -> None:
    world = World()
    first = react(world.state, world.view, NOW)
    assert first == react(world.state, world.view, NOW)
    assert len({a.command_id for a in first}) == len(first)


def _edit_of_a_5_s_scene(preserve_timing: bool) -> RequestSceneRender:
    """The render an edit of scene 2 asks for, scene 2 having been rendered 5 s long."""
    world = World(kind="edit", prompt="make it slower", scene_number=2, scene_count=None,
                  preserve_timing=preserve_timing)
    earlier = UUID("00000000-0000-4000-8000-0000000000e1")
    world.view.apply(SceneRenderRequested(
        **ids(earlier, task=None), scene_number=2, version=1, code="c", topic="ML basics",
        quality="low", width=854, height=480, fps=15, max_duration_s=20.0, requested_at=NOW,
    ))
    world.view.apply(SceneRendered(
        **ids(earlier, task=None), scene_number=2, version=1, video_key="v", code_key="c",
        duration_s=5.0, sandbox="bwrap", rendered_at=NOW,
    ))
    world.react()
    *_, render = world.answer(code(2, version=2))
    assert isinstance(render, RequestSceneRender)
    return render


def test_an_edit_that_preserves_timing_is_rendered_exactly_as_long_as_before() -> None:
    render = _edit_of_a_5_s_scene(preserve_timing=True)
    assert (render.min_duration_s, render.max_duration_s) == (5.0, 5.0)


def test_an_edit_that_need_not_preserve_timing_keeps_only_the_limit() -> None:
    render = _edit_of_a_5_s_scene(preserve_timing=False)
    assert (render.min_duration_s, render.max_duration_s) == (0.0, 20.0)


def test_an_edit_renders_its_scene_as_it_was_rendered_before() -> None:
    world = World(kind="edit", prompt="make it more colorful", scene_number=2, scene_count=None,
                  preserve_timing=False)
    earlier = UUID("00000000-0000-4000-8000-0000000000e1")
    world.view.apply(SceneRenderRequested(
        **ids(earlier, task=None), scene_number=2, version=1, code="c", topic="ML basics",
        quality="medium", width=1280, height=720, fps=30, max_duration_s=20.0,
        narration="Before.", voice="amy", requested_at=NOW,
    ))
    world.view.apply(SceneRendered(
        **ids(earlier, task=None), scene_number=2, version=1, video_key="v", code_key="c",
        duration_s=5.0, sandbox="bwrap", rendered_at=NOW,
    ))
    world.view.apply(implemented())
    world.react()
    *_, render = world.answer(code(2, version=2))
    assert isinstance(render, RequestSceneRender)
    assert (render.quality, render.width, render.height, render.fps) == ("medium", 1280, 720, 30)
    assert (render.max_duration_s, render.voice, render.narrate) == (20.0, "amy", True)
    assert render.narration == "Scene 2 says this."

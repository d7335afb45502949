"""The ManimTask process manager's rules: given the task and its session, what to send now.

`react` is pure and level-triggered: it looks at where the task is (its own events) and
what its session's jobs have produced, and returns every command that follows from that,
each built the same way every time. Job ids are `uuid5(task, step:scene:attempt)` and
command ids derive from them, so a reaction repeated (a redelivered event, two replicas
reacting at once, a restart) sends commands the deciders already took, which they answer
with their earlier result. A step is reported only once the job before it has its outcome
in the session, so the task's story can never run ahead of its causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from videogen_contracts.script.manim import (
    CancelManimJobs,
    CodeWritten,
    ImplementationsWritten,
    ManimJobCancelled,
    ManimJobFailed,
    ManimTaskQueued,
    PlanWritten,
    RequestCombine,
    RequestImplementations,
    RequestPlan,
    SceneRendered,
    SceneRenderFailed,
    ScenesCombined,
)

from script_service.app.manim_task.reaction import Action, Reaction, command_id_for, job_id_for
from script_service.app.manim_task.session_view import JobOutcome, SessionView
from script_service.domain.manim_task import FailManimTask, ManimTask


def react(task: ManimTask, view: SessionView, now: datetime) -> list[Action]:
    """Everything to send now for `task`, given what its session holds."""
    if task.queued is None or task.status == "completed":
        return []
    if task.status in ("cancelled", "failed"):
        return _cancel_jobs(task.queued, view, now)
    reaction = Reaction(task, task.queued, now)
    if task.queued.kind == "generate":
        _generate(reaction, view)
    else:
        _edit(reaction, view)
    if any(isinstance(a, FailManimTask) for a in reaction.actions):
        # The other scenes' jobs would only burn the renderers' time now.
        return reaction.actions + _cancel_jobs(task.queued, view, now)
    return reaction.actions


def _cancel_jobs(queued: ManimTaskQueued, view: SessionView, now: datetime) -> list[Action]:
    """A cancelled (or failed) task stops its jobs and does nothing more. A job asked for
    in a race with the end shows up later; the next reaction stops it (a new set, a new id)."""
    running = view.running_jobs(queued.task_id)
    if not running:
        return []
    purpose = "cancel:" + ",".join(str(j) for j in running)
    return [CancelManimJobs(
        command_id=command_id_for(queued.task_id, purpose), now=now,
        session_id=queued.session_id, project=queued.project, job_ids=running,
        task_id=queued.task_id,
    )]


def _job(r: Reaction, view: SessionView, job_id: UUID, request: Action) -> JobOutcome | str | None:
    """The job's outcome (a str: why it failed), after asking for it if nobody has; None
    while it runs."""
    if not view.requested(job_id):
        r.actions.append(request)
        return None
    outcome = view.outcome(job_id)
    if isinstance(outcome, ManimJobFailed):
        return f"{outcome.kind} failed: {outcome.reason}"
    if isinstance(outcome, ManimJobCancelled):
        return f"the {outcome.kind} job was cancelled"
    return outcome


def _generate(r: Reaction, view: SessionView) -> None:
    q = r.queued
    r.step("plan", f"Planning {q.scene_count or 'the'} scenes")
    job = job_id_for(r.task_id, "plan")
    plan = _job(r, view, job, RequestPlan(
        **r.fields("plan"), job_id=job, topic=q.prompt, scene_count=q.scene_count,
        model=q.model_config.planner_model, temperature=q.model_config.temperature,
    ))
    if not isinstance(plan, PlanWritten):
        return _fail_on(r, plan)
    scenes = [s.scene_number for s in plan.scenes]
    r.progress("plan", 1, f"Planned {len(scenes)} scenes")
    r.step("implementations", f"Writing the implementations of {len(scenes)} scenes")
    job = job_id_for(r.task_id, "implementations")
    implemented = _job(r, view, job, RequestImplementations(
        **r.fields("implementations"), job_id=job, topic=q.prompt, plan_xml=plan.plan_xml,
        model=q.model_config.helper_model,
    ))
    if not isinstance(implemented, ImplementationsWritten):
        return _fail_on(r, implemented)
    r.progress("implementations", 1, f"Wrote the implementations of {len(scenes)} scenes")
    r.step("render", f"Rendering {len(scenes)} scenes")
    if _render_scenes(r, view, scenes) is None:
        return None
    r.step("upload", "Recording the scene videos")
    r.progress("upload", 1, f"Recorded {len(scenes)} scene videos")
    return _combine_then_finish(r, view, scenes, edited=None)


def _edit(r: Reaction, view: SessionView) -> None:
    scene = r.queued.scene_number or 1
    r.step("retrieve", f"Retrieving the code of scene {scene}")
    r.progress("retrieve", 1, f"Retrieved the code of scene {scene}")
    r.step("code", f"Editing the code of scene {scene}")
    if isinstance(view.outcome(job_id_for(r.task_id, "code", scene, 1)), CodeWritten):
        r.progress("code", 1, f"Edited the code of scene {scene}")
        r.step("render", f"Rendering scene {scene}")
    rendered = _render_scenes(r, view, [scene])
    if rendered is not None:
        _combine_then_finish(r, view, None, edited=(scene, rendered[0].version))


def _combine_then_finish(
    r: Reaction, view: SessionView, scenes: list[int] | None, edited: tuple[int, int] | None
) -> None:
    """Join the latest render of `scenes` (None: every scene of the session), then finish."""
    r.step("combine", "Combining the scenes")
    job = job_id_for(r.task_id, "combine")
    combined = _job(r, view, job, RequestCombine(**r.fields("combine"), job_id=job, scenes=scenes))
    if not isinstance(combined, ScenesCombined):
        return _fail_on(r, combined)
    r.progress("combine", 1, f"Combined {len(combined.scenes)} scenes")
    r.step("finalize", "Finalizing")
    r.complete(combined, view, edited)
    return None


def _fail_on(r: Reaction, outcome: JobOutcome | str | None) -> None:
    if isinstance(outcome, str):
        r.fail(outcome)


def _render_scenes(
    r: Reaction, view: SessionView, scenes: Sequence[int]
) -> list[SceneRendered] | None:
    """Every scene's render once all are done, else None (the first failure fails the task)."""
    rendered: list[SceneRendered] = []
    for scene in scenes:
        outcome = _scene(r, view, scene)
        if isinstance(outcome, str):
            r.fail(outcome)
            return None
        if outcome is not None:
            rendered.append(outcome)
    done, total = len(rendered), len(scenes)
    if done:
        message = f"Rendered {done} of {total} scenes"
        r.progress("render", done / total, message, done=done, total=total)
    return rendered if done == total else None


def _scene(r: Reaction, view: SessionView, scene: int) -> SceneRendered | str | None:
    """One scene's code, render, and a fix per failed render up to `max_retries`: the
    render that worked, why the scene failed (a str), or None while it is on its way."""
    retries = r.queued.render_config.max_retries
    failed: SceneRenderFailed | None = None
    for attempt in range(1, retries + 2):
        job = job_id_for(r.task_id, "code", scene, attempt)
        if failed is not None and not view.requested(job):
            r.note("render", f"Fixing scene {scene} (fix {attempt - 1} of {retries})")
        code = _job(r, view, job, r.code_request(view, scene, attempt, failed))
        if not isinstance(code, CodeWritten):
            return code if isinstance(code, str) else None
        job = job_id_for(r.task_id, "render", scene, attempt)
        render = _job(r, view, job, r.render_request(view, scene, attempt))
        if not isinstance(render, SceneRenderFailed):
            return render if isinstance(render, SceneRendered | str) else None
        failed = render
    assert failed is not None
    fixes = f"{retries} fix{'es' if retries != 1 else ''}"
    return f"scene {scene} failed to render after {fixes}: {failed.error}"

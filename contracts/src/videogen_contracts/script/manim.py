"""Manim explainer videos (doc 003): a session of plan → implementations → code per scene
→ renders → combine, and the high-level tasks that run those steps for a client.

Two aggregates, both owned by the script service:
- `ManimSession`, on stream `manim-session-<uuid5(session_id)>`: everything done in one
  session, each step a *job* (`job_id`, the low-level agents' `GET /jobs/{job_id}`):
  the plan, the scene implementations, every code version of every scene (kept forever),
  every render (ok, or failed with its error), every combine.
- `ManimTask`, on stream `manim-task-<task_id>`: one `generate` or `edit-scene`, a process
  over the session's jobs. Its status, progress and ETA are read from its events and the
  session's.

The long work is done where the design puts it: LLM calls by the script service's workers,
renders by the media service (Manim in a sandbox), combines by the export service. Those
workers take the request events from the script stream (`vg.script.*.SceneRenderRequested`,
`…CombineRequested`) as work queues and answer with a script command
(`record_scene_render`, `record_combine`), so the session's log is the whole story and
needs no second aggregate elsewhere (docs/architecture.md says why).

The subject key (`project_id` of every event) is `manim_project_key(project)`, where
`project` is doc 003's `project_id` string, or the session id for a session the low-level
agents opened without one. So `vg.*.<key>.>` is the project's live feed.

Scene numbers count from 1; code versions of a scene count from 1 and every new code
(written, fixed after a failed render, edited, or supplied by a client) is the next one.

Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp

# ---- Limits (read by the surface and the deciders) ------------------------------------

MIN_PROMPT_CHARS = 10
MIN_EDIT_PROMPT_CHARS = 5
MAX_PROMPT_CHARS = 20_000
MAX_TEXT_CHARS = 100_000
MAX_CODE_CHARS = 200_000
MIN_SCENES, MAX_SCENES = 1, 20
DEFAULT_SCENES = 3
MAX_RETRIES_LIMIT = 10
DEFAULT_MAX_RETRIES = 3

Quality = Literal["preview", "low", "medium", "high", "production"]
QUALITIES: tuple[str, ...] = get_args(Quality)
# (width, height, fps) of each quality; a render's own width, height or fps overrides it.
QUALITY_SIZES: dict[str, tuple[int, int, int]] = {
    "preview": (426, 240, 15), "low": (854, 480, 15), "medium": (1280, 720, 30),
    "high": (1920, 1080, 60), "production": (2560, 1440, 60),
}
# Named resolutions doc 003's clients send; "WIDTHxHEIGHT" is accepted as well.
RESOLUTIONS: dict[str, tuple[int, int]] = {
    "240p": (426, 240), "360p": (640, 360), "480p": (854, 480), "720p": (1280, 720),
    "1080p": (1920, 1080), "1440p": (2560, 1440), "2160p": (3840, 2160), "4k": (3840, 2160),
}

TaskKind = Literal["generate", "edit"]
# The steps of each kind of task, in order (`current_step` of `total_steps`).
GENERATE_STEPS: tuple[str, ...] = (
    "plan", "implementations", "render", "upload", "combine", "finalize",
)
EDIT_STEPS: tuple[str, ...] = ("retrieve", "code", "render", "combine", "finalize")
CodeReason = Literal["written", "fixed", "edited", "supplied"]
JobKind = Literal["plan", "implement", "code", "render", "combine"]

_KEYS = uuid.UUID("3b0f7c52-2a7e-4c0e-9d1e-5a1f7f7e0d03")


def manim_project_key(project: str) -> UUID:
    """The subject key of a Manim project (doc 003's free-form `project_id`)."""
    return uuid.uuid5(_KEYS, f"project:{project}")


def manim_session_key(session_id: str) -> UUID:
    return uuid.uuid5(_KEYS, f"session:{session_id}")


def manim_session_stream_id(session_id: str) -> str:
    return f"manim-session-{manim_session_key(session_id)}"


def manim_task_stream_id(task_id: UUID) -> str:
    return f"manim-task-{task_id}"


def scene_id_of(session_id: str, scene_number: int) -> str:
    """Doc 003's scene ids: `{session}_scene_{n}`."""
    return f"{session_id}_scene_{scene_number}"


def scene_class_of(scene_number: int) -> str:
    """The Manim class a scene's code must define."""
    return f"Scene{scene_number}"


def manim_blob_prefix(session_id: str) -> str:
    return f"manim/{manim_session_key(session_id)}/"


def scene_blob_keys(session_id: str, scene_number: int, version: int) -> tuple[str, str, str]:
    """(video, srt, code) of one rendered code version: deterministic, so a retried render
    overwrites its own output and nothing else."""
    base = f"{manim_blob_prefix(session_id)}scene_{scene_number}_v{version}"
    return f"{base}.mp4", f"{base}.srt", f"{base}.py"


def combined_blob_keys(session_id: str, job_id: UUID) -> tuple[str, str]:
    base = f"{manim_blob_prefix(session_id)}combined_{job_id}"
    return f"{base}.mp4", f"{base}.srt"


# ---- Value types -----------------------------------------------------------------------


class ScenePlan(msgspec.Struct, frozen=True, kw_only=True):
    """One `<SCENE_n>` of the plan's `<SCENE_OUTLINE>`."""

    scene_number: int
    title: str
    purpose: str
    description: str
    layout: str


class SceneImplementation(msgspec.Struct, frozen=True, kw_only=True):
    """The three plans of one scene, as the original's implementation agents write them."""

    scene_number: int
    storyboard: str
    technical_implementation: str
    animation_narration: str
    # What the narrator says in this scene (taken from the narration plan); "" for none.
    narration: str = ""


class ManimModelConfig(msgspec.Struct, frozen=True, kw_only=True):
    planner_model: str | None = None
    scene_model: str | None = None
    helper_model: str | None = None
    temperature: float = 0.7
    max_tokens: int | None = None


class ManimRenderConfig(msgspec.Struct, frozen=True, kw_only=True):
    quality: Quality = "low"
    # Overrides the quality's own size and rate when given.
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    # Seconds; a scene is cut to this (its narration included).
    max_scene_duration: float = 60.0
    # Fixes asked of the writer after failed renders, per scene, before the task fails.
    max_retries: int = DEFAULT_MAX_RETRIES
    narration: bool = True
    voice: str | None = None


class CombinedScene(msgspec.Struct, frozen=True, kw_only=True):
    scene_number: int
    version: int
    video_key: str
    srt_key: str | None = None
    duration_s: float


# ---- ManimSession events ---------------------------------------------------------------


class ManimSessionEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1

    session_id: str
    # manim_project_key(project): the subject key.
    project_id: UUID


class ManimSessionOpened(
    ManimSessionEventBase, frozen=True, kw_only=True, tag="ManimSessionOpened"
):
    """The first event of a session (before its first job's request)."""

    project: str
    topic: str
    description: str = ""
    opened_at: Timestamp


class ManimJobEventBase(ManimSessionEventBase, frozen=True, kw_only=True):
    job_id: UUID
    # The high-level task this job runs for; None for a low-level agent call.
    task_id: UUID | None = None


class PlanRequested(ManimJobEventBase, frozen=True, kw_only=True, tag="PlanRequested"):
    topic: str
    description: str
    # None: the writer chooses (3 to 5 for the offline writer).
    scene_count: int | None = None
    model: str | None = None
    temperature: float = 0.7
    requested_at: Timestamp


class ImplementationsRequested(
    ManimJobEventBase, frozen=True, kw_only=True, tag="ImplementationsRequested"
):
    topic: str
    description: str
    plan_xml: str
    scenes: list[ScenePlan]
    model: str | None = None
    requested_at: Timestamp


class CodeRequested(ManimJobEventBase, frozen=True, kw_only=True, tag="CodeRequested"):
    scene_number: int
    topic: str
    description: str
    scene_outline: str
    implementation: str
    # Set for a fix (after `failed_version`'s render failed with `error`) and for an edit
    # (of `base_version`'s code, as `edit_prompt` asks); None for a first code.
    failed_version: int | None = None
    error: str | None = None
    base_version: int | None = None
    base_code: str | None = None
    edit_prompt: str | None = None
    model: str | None = None
    requested_at: Timestamp


class SceneRenderRequested(
    ManimJobEventBase, frozen=True, kw_only=True, tag="SceneRenderRequested"
):
    """Everything the render worker needs, so a redelivered job renders the same thing."""

    scene_number: int
    version: int
    code: str
    topic: str
    quality: Quality
    width: int
    height: int
    fps: int
    max_duration_s: float
    # The scene lasts at least this long (its last frame held): an edit with
    # `preserve_timing` keeps its scene's length, so the combined video keeps its timing.
    min_duration_s: float = 0.0
    # Spoken over the scene (the scene lasts at least as long); None: silent.
    narration: str | None = None
    voice: str | None = None
    # The `version` the low-level client sent (echoed in its result).
    requested_version: int = 0
    # 1 for the first render of this scene in a task, then one more per fix.
    attempt: int = 1
    requested_at: Timestamp


class CombineRequested(ManimJobEventBase, frozen=True, kw_only=True, tag="CombineRequested"):
    # The latest rendered version of each scene asked for, in scene order.
    scenes: list[CombinedScene]
    requested_at: Timestamp


class ManimJobStarted(ManimJobEventBase, frozen=True, kw_only=True, tag="ManimJobStarted"):
    kind: JobKind
    started_at: Timestamp


class PlanWritten(ManimJobEventBase, frozen=True, kw_only=True, tag="PlanWritten"):
    plan_xml: str
    scenes: list[ScenePlan]
    # "offline" or the model that wrote it.
    writer: str
    raw_response: str = ""
    written_at: Timestamp


class ImplementationsWritten(
    ManimJobEventBase, frozen=True, kw_only=True, tag="ImplementationsWritten"
):
    implementations: list[SceneImplementation]
    writer: str
    written_at: Timestamp


class CodeWritten(ManimJobEventBase, frozen=True, kw_only=True, tag="CodeWritten"):
    scene_number: int
    version: int
    code: str
    reason: CodeReason
    writer: str
    raw_response: str = ""
    written_at: Timestamp


class SceneRendered(ManimJobEventBase, frozen=True, kw_only=True, tag="SceneRendered"):
    scene_number: int
    version: int
    video_key: str
    srt_key: str | None = None
    code_key: str
    duration_s: float
    has_audio: bool = False
    # "bwrap" or "unshare": the sandbox it ran in.
    sandbox: str
    rendered_at: Timestamp


class SceneRenderFailed(ManimJobEventBase, frozen=True, kw_only=True, tag="SceneRenderFailed"):
    scene_number: int
    version: int
    # What went wrong, for the writer's fix and the client: the reason ("timed out after
    # 120 s", "memory limit", …) and the tail of stderr.
    error: str
    code_key: str | None = None
    failed_at: Timestamp


class ScenesCombined(ManimJobEventBase, frozen=True, kw_only=True, tag="ScenesCombined"):
    output_key: str
    srt_key: str | None = None
    duration_s: float
    scenes: list[CombinedScene]
    combined_at: Timestamp


class ManimJobFailed(ManimJobEventBase, frozen=True, kw_only=True, tag="ManimJobFailed"):
    """A plan, implement, code or combine job that could not be done (renders fail with
    `SceneRenderFailed`)."""

    kind: JobKind
    reason: str
    failed_at: Timestamp


class ManimJobCancelled(ManimJobEventBase, frozen=True, kw_only=True, tag="ManimJobCancelled"):
    """Its task was cancelled while the job was pending or running."""

    kind: JobKind
    cancelled_at: Timestamp


ManimSessionEvent = (
    ManimSessionOpened | PlanRequested | ImplementationsRequested | CodeRequested
    | SceneRenderRequested | CombineRequested | ManimJobStarted | PlanWritten
    | ImplementationsWritten | CodeWritten | SceneRendered | SceneRenderFailed
    | ScenesCombined | ManimJobFailed | ManimJobCancelled
)
MANIM_SESSION_EVENT_TYPES: tuple[type[ManimSessionEventBase], ...] = get_args(ManimSessionEvent)
manim_session_event_decoder = msgspec.json.Decoder(ManimSessionEvent)


# ---- ManimTask events ------------------------------------------------------------------


class ManimTaskEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1

    task_id: UUID
    project_id: UUID


class ManimTaskQueued(ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskQueued"):
    kind: TaskKind
    project: str
    session_id: str
    # generate: the content prompt; edit: the edit prompt.
    prompt: str
    scene_count: int | None = None
    # edit only.
    scene_number: int | None = None
    preserve_timing: bool = True
    model_config: ManimModelConfig = msgspec.field(default_factory=ManimModelConfig)
    render_config: ManimRenderConfig = msgspec.field(default_factory=ManimRenderConfig)
    steps: list[str]
    queued_at: Timestamp


class ManimTaskStepStarted(
    ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskStepStarted"
):
    step: str
    # 1-based, of len(steps).
    index: int
    message: str
    started_at: Timestamp


class ManimTaskProgressed(ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskProgressed"):
    """Progress inside a step (a scene rendered, a fix asked for)."""

    step: str
    # 0..100 over the whole task.
    progress: int
    message: str
    # Units of the step done and in all (scenes, usually).
    done: int = 0
    total: int = 0
    at: Timestamp


class SceneResult(msgspec.Struct, frozen=True, kw_only=True):
    scene_id: str
    scene_number: int
    version: int
    video_key: str
    srt_key: str | None = None
    code_key: str
    duration_s: float


class ManimTaskCompleted(ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskCompleted"):
    session_id: str
    scenes: list[SceneResult]
    combined_key: str
    combined_srt_key: str | None = None
    duration_s: float
    # edit only: the scene edited and its new version.
    scene_number: int | None = None
    version: int | None = None
    completed_at: Timestamp


class ManimTaskFailed(ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskFailed"):
    step: str
    error: str
    failed_at: Timestamp


class ManimTaskCancelled(ManimTaskEventBase, frozen=True, kw_only=True, tag="ManimTaskCancelled"):
    step: str
    # The session's jobs still pending or running (their workers abandon them).
    running_jobs: list[UUID] = msgspec.field(default_factory=list)
    cancelled_at: Timestamp


ManimTaskEvent = (
    ManimTaskQueued | ManimTaskStepStarted | ManimTaskProgressed | ManimTaskCompleted
    | ManimTaskFailed | ManimTaskCancelled
)
MANIM_TASK_EVENT_TYPES: tuple[type[ManimTaskEventBase], ...] = get_args(ManimTaskEvent)
manim_task_event_decoder = msgspec.json.Decoder(ManimTaskEvent)


# ---- Commands (script service) ---------------------------------------------------------
# Every command names its session (`session_id`) and the session's `project` (the gateway
# takes it from the read model for a session that exists; a new session's project is the
# request's `project_id`, or the session id). Job ids are chosen by the sender, so a
# retried request finds its job.


class ManimCommandBase(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    session_id: str
    project: str


class RequestPlan(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID
    task_id: UUID | None = None
    topic: str
    description: str = ""
    scene_count: int | None = None
    model: str | None = None
    temperature: float = 0.7


class RequestImplementations(ManimCommandBase, frozen=True, kw_only=True):
    """`plan_xml` None: the session's latest plan (Invalid("plan_xml") if it has none).
    A plan that does not parse is Invalid("plan_xml")."""

    job_id: UUID
    task_id: UUID | None = None
    topic: str
    description: str = ""
    plan_xml: str | None = None
    model: str | None = None


class RequestCode(ManimCommandBase, frozen=True, kw_only=True):
    """A first code, a fix (`failed_version` + `error`) or an edit (`edit_prompt`, of the
    latest version unless `base_version`). `scene_outline`/`implementation` None: taken
    from the session's plan and implementations."""

    job_id: UUID
    task_id: UUID | None = None
    scene_number: int
    topic: str
    description: str = ""
    scene_outline: str | None = None
    implementation: str | None = None
    failed_version: int | None = None
    error: str | None = None
    edit_prompt: str | None = None
    base_version: int | None = None
    model: str | None = None


class RequestSceneRender(ManimCommandBase, frozen=True, kw_only=True):
    """`code` given: recorded as the scene's next version (`CodeWritten`, reason
    "supplied") and rendered; None: the scene's latest version is rendered."""

    job_id: UUID
    task_id: UUID | None = None
    scene_number: int
    topic: str
    code: str | None = None
    requested_version: int = 0
    quality: Quality = "low"
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    max_duration_s: float = 60.0
    min_duration_s: float = 0.0
    # None: the scene's narration from its implementation, if any (and `narrate`).
    narration: str | None = None
    narrate: bool = True
    voice: str | None = None
    attempt: int = 1


class RequestCombine(ManimCommandBase, frozen=True, kw_only=True):
    """Join the latest rendered version of `scenes` (None: every scene of the plan, or
    every scene rendered when there is no plan). A scene asked for that has no rendered
    version is Invalid("scenes") naming it; an empty list is Invalid("scenes")."""

    job_id: UUID
    task_id: UUID | None = None
    scenes: list[int] | None = None


# Answers of the workers (script's LLM workers, media's render worker, export's combine).


class StartManimJob(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID


class RecordPlan(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID
    plan_xml: str
    scenes: list[ScenePlan]
    writer: str
    raw_response: str = ""


class RecordImplementations(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID
    implementations: list[SceneImplementation]
    writer: str


class RecordCode(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID
    scene_number: int
    code: str
    writer: str
    raw_response: str = ""


class RecordSceneRender(ManimCommandBase, frozen=True, kw_only=True):
    """The render's outcome: `error` None is `SceneRendered`, else `SceneRenderFailed`."""

    job_id: UUID
    scene_number: int
    version: int
    error: str | None = None
    video_key: str | None = None
    srt_key: str | None = None
    code_key: str | None = None
    duration_s: float = 0.0
    has_audio: bool = False
    sandbox: str = ""


class RecordCombine(ManimCommandBase, frozen=True, kw_only=True):
    """`error` None is `ScenesCombined`, else `ManimJobFailed`."""

    job_id: UUID
    error: str | None = None
    output_key: str | None = None
    srt_key: str | None = None
    duration_s: float = 0.0


class FailManimJob(ManimCommandBase, frozen=True, kw_only=True):
    job_id: UUID
    reason: str


class CancelManimJobs(ManimCommandBase, frozen=True, kw_only=True):
    """`ManimJobCancelled` for each of `job_ids` still pending or running (the others are
    left as they are). Sent by the task's process manager when its task is cancelled; not
    served over rpc."""

    job_ids: list[UUID]
    task_id: UUID | None = None


ManimSessionCommand = (
    RequestPlan | RequestImplementations | RequestCode | RequestSceneRender | RequestCombine
    | StartManimJob | RecordPlan | RecordImplementations | RecordCode | RecordSceneRender
    | RecordCombine | FailManimJob | CancelManimJobs
)


class StartManimTask(msgspec.Struct, frozen=True, kw_only=True):
    """Queue a `generate` or an `edit` task. An edit of a scene the session has no rendered
    version of is NotFound; of a session that does not exist, NotFound."""

    command_id: str
    now: Timestamp
    task_id: UUID
    kind: TaskKind
    project: str
    session_id: str
    prompt: str
    scene_count: int | None = None
    scene_number: int | None = None
    preserve_timing: bool = True
    model_config: ManimModelConfig = msgspec.field(default_factory=ManimModelConfig)
    render_config: ManimRenderConfig = msgspec.field(default_factory=ManimRenderConfig)


class CancelManimTask(msgspec.Struct, frozen=True, kw_only=True):
    """Conflict when the task has completed, failed or been cancelled already."""

    command_id: str
    now: Timestamp
    task_id: UUID


MANIM_COMMANDS: dict[str, type[msgspec.Struct]] = {
    "manim_request_plan": RequestPlan,
    "manim_request_implementations": RequestImplementations,
    "manim_request_code": RequestCode,
    "manim_request_scene_render": RequestSceneRender,
    "manim_request_combine": RequestCombine,
    "manim_start_job": StartManimJob,
    "manim_record_plan": RecordPlan,
    "manim_record_implementations": RecordImplementations,
    "manim_record_code": RecordCode,
    "manim_record_scene_render": RecordSceneRender,
    "manim_record_combine": RecordCombine,
    "manim_fail_job": FailManimJob,
    "manim_start_task": StartManimTask,
    "manim_cancel_task": CancelManimTask,
}

"""The request events of a ManimSession, resolved from the session (pure).

Each request event carries everything its worker needs, taken from the command or, where
the command leaves it out, from the session: the plan to implement, a scene's outline and
implementation, the code a fix or an edit starts from, the code version to render, the
rendered versions to combine. A worker never reads the session, so a redelivered job does
the same work as the first delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from videogen_contracts.errors import Invalid, NotFound
from videogen_contracts.script.manim import (
    MAX_CODE_CHARS,
    MAX_PROMPT_CHARS,
    MAX_TEXT_CHARS,
    MIN_EDIT_PROMPT_CHARS,
    QUALITY_SIZES,
    CodeRequested,
    CodeWritten,
    CombinedScene,
    CombineRequested,
    ImplementationsRequested,
    RequestCode,
    RequestCombine,
    RequestImplementations,
    RequestSceneRender,
    SceneRenderRequested,
    scene_id_of,
)
from videogen_providers.manim.writer import implementation_text
from videogen_text.manim_plan import parse_scene_outline, scene_outline_of

from script_service.domain.manim_session_state import CodeVersion, ManimSession

# The frames and rates a render may ask for (8K at most).
MIN_SIDE, MAX_WIDTH, MAX_HEIGHT, MAX_FPS = 16, 7680, 4320, 120
# Who wrote a code version a client sent with its render request.
CLIENT_WRITER = "client"


@dataclass(frozen=True, slots=True)
class RequestedBy:
    """The session a request opens or continues, and its topic."""

    session_id: str
    project_id: UUID
    topic: str


def implementations_requested(
    command: RequestImplementations, state: ManimSession, by: RequestedBy
) -> ImplementationsRequested:
    plan_xml = command.plan_xml if command.plan_xml is not None else state.plan_xml
    if plan_xml is None:
        raise Invalid(
            "plan_xml",
            f"session {by.session_id!r} has no plan yet: send plan_xml, or request a plan first",
        )
    check_text("plan_xml", plan_xml, MAX_TEXT_CHARS)
    try:
        scenes = parse_scene_outline(plan_xml)
    except ValueError as error:
        raise Invalid("plan_xml", f"the plan does not parse: {error}") from None
    return ImplementationsRequested(
        session_id=by.session_id, project_id=by.project_id, job_id=command.job_id,
        task_id=command.task_id, topic=by.topic, description=command.description,
        plan_xml=plan_xml, scenes=scenes, model=command.model, requested_at=command.now,
    )


def code_requested(command: RequestCode, state: ManimSession, by: RequestedBy) -> CodeRequested:
    """A first code, a fix of a failed version, or an edit of the latest (or a named) one."""
    n = command.scene_number
    check_scene_number(n)
    fix, edit = command.failed_version is not None, command.edit_prompt is not None
    if fix and edit:
        raise Invalid("edit_prompt", "a code request fixes a failed render or edits, not both")
    if command.base_version is not None and not edit:
        raise Invalid("base_version", "base_version names the version an edit starts from")
    base_version: int | None = None
    base_code = error = edit_prompt = None
    if command.failed_version is not None:
        base_version = command.failed_version
        failed = _code_version(state, n, base_version, "failed_version")
        error = command.error or failed.error
        if not error:
            raise Invalid("error", f"a fix needs the error of version {base_version}'s render")
        base_code = failed.code
    if command.edit_prompt is not None:
        edit_prompt = command.edit_prompt.strip()
        if len(edit_prompt) < MIN_EDIT_PROMPT_CHARS:
            raise Invalid(
                "edit_prompt", f"edit_prompt must be at least {MIN_EDIT_PROMPT_CHARS} characters"
            )
        check_text("edit_prompt", edit_prompt, MAX_PROMPT_CHARS)
        base_version = command.base_version or state.latest_version(n)
        base_code = _code_version(state, n, base_version, "base_version").code
    # A first code needs the scene's outline and implementation; a fix or an edit works
    # from the code and uses them when the session has them.
    needed = not (fix or edit)
    outline = command.scene_outline
    if outline is None:
        outline = _outline_of(state, n, needed)
    implementation = command.implementation
    if implementation is None:
        implementation = _implementation_of(state, n, needed)
    check_text("scene_outline", outline, MAX_TEXT_CHARS)
    check_text("implementation", implementation, MAX_TEXT_CHARS)
    return CodeRequested(
        session_id=by.session_id, project_id=by.project_id, job_id=command.job_id,
        task_id=command.task_id, scene_number=n, topic=by.topic,
        description=command.description, scene_outline=outline, implementation=implementation,
        failed_version=command.failed_version, error=error, base_version=base_version,
        base_code=base_code, edit_prompt=edit_prompt, model=command.model,
        requested_at=command.now,
    )


def render_requested(
    command: RequestSceneRender, state: ManimSession, by: RequestedBy
) -> list[CodeWritten | SceneRenderRequested]:
    """The scene's latest code rendered; code sent along is recorded as its next version."""
    n = command.scene_number
    check_scene_number(n)
    events: list[CodeWritten | SceneRenderRequested] = []
    if command.code is not None:
        check_code("code", command.code)
        code, version = command.code, state.latest_version(n) + 1
        events.append(CodeWritten(
            session_id=by.session_id, project_id=by.project_id, job_id=command.job_id,
            task_id=command.task_id, scene_number=n, version=version, code=code,
            reason="supplied", writer=CLIENT_WRITER, written_at=command.now,
        ))  # fmt: skip
    else:
        version = state.latest_version(n)
        code = _code_version(state, n, version, "scene_number").code
    if not command.max_duration_s > 0:
        raise Invalid("max_duration_s", "max_duration_s must be more than 0")
    if command.attempt < 1:
        raise Invalid("attempt", "attempt counts from 1")
    width, height, fps = render_size(command)
    events.append(SceneRenderRequested(
        session_id=by.session_id, project_id=by.project_id, job_id=command.job_id,
        task_id=command.task_id, scene_number=n, version=version, code=code, topic=by.topic,
        quality=command.quality, width=width, height=height, fps=fps,
        max_duration_s=command.max_duration_s,
        min_duration_s=min(max(command.min_duration_s, 0.0), command.max_duration_s),
        narration=_narration(command, state),
        voice=command.voice, requested_version=command.requested_version,
        attempt=command.attempt, requested_at=command.now,
    ))  # fmt: skip
    return events


def combine_requested(command: RequestCombine, state: ManimSession) -> CombineRequested:
    """The latest rendered version of each scene asked for, in scene order."""
    if command.scenes is None:
        numbers = sorted(s.scene_number for s in state.plan) or state.rendered_scenes()
        if not numbers:
            raise Invalid("scenes", f"session {state.session_id!r} has no scene to combine")
    elif not command.scenes:
        raise Invalid("scenes", "scenes is empty: name at least one scene to combine")
    elif min(command.scenes) < 1:
        raise Invalid("scenes", "scene numbers count from 1")
    else:
        numbers = sorted(set(command.scenes))
    missing = [n for n in numbers if state.latest_rendered(n) is None]
    if missing:
        raise Invalid("scenes", _missing(missing))
    scenes = []
    for n in numbers:
        rendered = state.latest_rendered(n)
        assert rendered is not None
        scenes.append(CombinedScene(
            scene_number=n, version=rendered.version, video_key=rendered.video_key,
            srt_key=rendered.srt_key, duration_s=rendered.duration_s,
        ))  # fmt: skip
    assert state.project_id is not None
    return CombineRequested(
        session_id=state.session_id, project_id=state.project_id, job_id=command.job_id,
        task_id=command.task_id, scenes=scenes, requested_at=command.now,
    )


def render_size(command: RequestSceneRender) -> tuple[int, int, int]:
    """(width, height, fps): the quality's own, each overridden by the command's."""
    width, height, fps = QUALITY_SIZES[command.quality]
    for field, value, limit in (("width", command.width, MAX_WIDTH),
                                ("height", command.height, MAX_HEIGHT)):  # fmt: skip
        # Even, as the encoders' 4:2:0 frames need; what parse_resolution accepts.
        if value is not None and not (MIN_SIDE <= value <= limit and value % 2 == 0):
            raise Invalid(field, f"{field} must be an even number from {MIN_SIDE} to {limit}")
    if command.fps is not None and not 1 <= command.fps <= MAX_FPS:
        raise Invalid("fps", f"fps must be 1 to {MAX_FPS}")
    return command.width or width, command.height or height, command.fps or fps


def check_scene_number(scene_number: int) -> None:
    if scene_number < 1:
        raise Invalid("scene_number", "scene_number must be at least 1")


def check_text(field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise Invalid(field, f"{field} must be at most {limit} characters")


def check_code(field: str, code: str) -> None:
    if not code.strip():
        raise Invalid(field, "the code is empty")
    check_text(field, code, MAX_CODE_CHARS)


def _code_version(state: ManimSession, n: int, version: int, field: str) -> CodeVersion:
    scene = scene_id_of(state.session_id, n)
    if state.latest_version(n) == 0:
        raise NotFound(f"scene {scene} has no code yet", field)
    found = state.version(n, version)
    if found is None:
        raise NotFound(f"scene {scene} has no version {version}", field)
    return found


def _outline_of(state: ManimSession, n: int, needed: bool) -> str:
    if state.plan_of(n) is not None:
        return scene_outline_of(list(state.plan), n)
    if needed:
        raise Invalid(
            "scene_outline", f"the session's plan has no scene {n}: send scene_outline"
        )
    return ""


def _implementation_of(state: ManimSession, n: int, needed: bool) -> str:
    implementation = state.implementations.get(n)
    if implementation is not None:
        return implementation_text(implementation)
    if needed:
        raise Invalid(
            "implementation", f"the session has no implementation of scene {n}: send one"
        )
    return ""


def _narration(command: RequestSceneRender, state: ManimSession) -> str | None:
    """What is spoken over the scene: the command's text, else its implementation's."""
    if not command.narrate:
        return None
    text = command.narration
    if text is None:
        implementation = state.implementations.get(command.scene_number)
        text = implementation.narration if implementation else None
    return text.strip() or None if text else None


def _missing(scenes: list[int]) -> str:
    if len(scenes) == 1:
        return f"scene {scenes[0]} has no rendered version"
    listed = ", ".join(str(n) for n in scenes[:-1])
    return f"scenes {listed} and {scenes[-1]} have no rendered version"

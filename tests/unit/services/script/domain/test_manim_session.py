"""The ManimSession decider, given/when/then with no I/O: a session opens with its first
request; each request carries what its worker needs, resolved from the session; every job
answers once; renders, fixes, edits and combines follow the session's code versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict
from uuid import UUID

import pytest
from msgspec.structs import replace
from script_service.domain.manim_session import decide_session
from script_service.domain.manim_session_state import ManimSession, fold_session
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.script.manim import (
    CancelManimJobs,
    CodeRequested,
    CodeWritten,
    CombinedScene,
    CombineRequested,
    FailManimJob,
    ImplementationsRequested,
    ImplementationsWritten,
    ManimJobCancelled,
    ManimJobFailed,
    ManimJobStarted,
    ManimSessionCommand,
    ManimSessionEvent,
    ManimSessionOpened,
    PlanRequested,
    PlanWritten,
    RecordCode,
    RecordCombine,
    RecordImplementations,
    RecordPlan,
    RecordSceneRender,
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
    StartManimJob,
    manim_project_key,
)
from videogen_providers.manim.writer import implementation_text
from videogen_text.manim_plan import format_scene_outline, scene_outline_of

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SID = "custom_session"
PROJECT = "my_project"
KEY = manim_project_key(PROJECT)
TASK = UUID("00000000-0000-4000-8000-0000000000aa")


def job(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


SCENES = [
    ScenePlan(scene_number=n, title=f"Title {n}", purpose=f"Purpose {n}",
              description=f"Description {n}", layout=f"Layout {n}")
    for n in (1, 2, 3)
]  # fmt: skip
PLAN_XML = format_scene_outline(SCENES)
IMPLEMENTATIONS = [
    SceneImplementation(scene_number=n, storyboard=f"board {n}",
                        technical_implementation=f"tech {n}",
                        animation_narration=f"narration plan {n}", narration=f"Say {n}.")
    for n in (1, 2, 3)
]  # fmt: skip


class _Base(TypedDict):
    session_id: str
    project_id: UUID


class _Command(TypedDict):
    now: datetime
    session_id: str
    project: str


BASE = _Base(session_id=SID, project_id=KEY)
CMD = _Command(now=NOW, session_id=SID, project=PROJECT)

OPENED = ManimSessionOpened(**BASE, project=PROJECT, topic="Machine Learning",
                            description="Educational video", opened_at=NOW)  # fmt: skip
PLAN_ASKED = PlanRequested(**BASE, job_id=job(1), task_id=TASK, topic="Machine Learning",
                           description="Educational video", requested_at=NOW)  # fmt: skip
PLANNED = PlanWritten(**BASE, job_id=job(1), task_id=TASK, plan_xml=PLAN_XML, scenes=SCENES,
                      writer="offline", written_at=NOW)  # fmt: skip
IMPL_ASKED = ImplementationsRequested(
    **BASE, job_id=job(2), topic="Machine Learning", description="", plan_xml=PLAN_XML,
    scenes=SCENES, requested_at=NOW,
)
IMPLEMENTED = ImplementationsWritten(**BASE, job_id=job(2), implementations=IMPLEMENTATIONS,
                                     writer="offline", written_at=NOW)  # fmt: skip
PLANNED_SESSION = (OPENED, PLAN_ASKED, PLANNED, IMPL_ASKED, IMPLEMENTED)


def code_asked(job_n: int, scene: int) -> CodeRequested:
    return CodeRequested(**BASE, job_id=job(job_n), scene_number=scene, topic="Machine Learning",
                         description="", scene_outline="o", implementation="i",
                         requested_at=NOW)  # fmt: skip


def code_written(job_n: int, scene: int, version: int, code: str = "code") -> CodeWritten:
    return CodeWritten(**BASE, job_id=job(job_n), scene_number=scene, version=version, code=code,
                       reason="written", writer="offline", written_at=NOW)  # fmt: skip


def render_asked(job_n: int, scene: int, version: int) -> SceneRenderRequested:
    return SceneRenderRequested(
        **BASE, job_id=job(job_n), scene_number=scene, version=version, code="code",
        topic="Machine Learning", quality="low", width=854, height=480, fps=15,
        max_duration_s=60.0, requested_at=NOW,
    )


def rendered(job_n: int, scene: int, version: int) -> SceneRendered:
    return SceneRendered(
        **BASE, job_id=job(job_n), scene_number=scene, version=version,
        video_key=f"v{scene}.{version}.mp4", srt_key=f"s{scene}.{version}.srt",
        code_key=f"c{scene}.{version}.py", duration_s=float(scene), sandbox="bwrap",
        rendered_at=NOW,
    )


def render_failed(job_n: int, scene: int, version: int, error: str) -> SceneRenderFailed:
    return SceneRenderFailed(**BASE, job_id=job(job_n), scene_number=scene, version=version,
                             error=error, failed_at=NOW)  # fmt: skip


class Given:
    def __init__(self, *events: ManimSessionEvent) -> None:
        self.state: ManimSession = fold_session(events)

    def when(self, command: ManimSessionCommand) -> list[ManimSessionEvent]:
        return decide_session(command, self.state)

    def refuses(self, command: ManimSessionCommand, error: type[DomainError]) -> DomainError:
        with pytest.raises(error) as caught:
            decide_session(command, self.state)
        return caught.value


def plan(**fields: object) -> RequestPlan:
    values: dict[str, object] = {"command_id": "p", "job_id": job(1), "task_id": TASK,
                                 "topic": "Machine Learning", "description": "Educational video"}
    return RequestPlan(**{**CMD, **values, **fields})  # type: ignore[arg-type]


def code(**fields: object) -> RequestCode:
    values: dict[str, object] = {"command_id": "c", "job_id": job(10), "scene_number": 1,
                                 "topic": "Machine Learning"}
    return RequestCode(**{**CMD, **values, **fields})  # type: ignore[arg-type]


def render(**fields: object) -> RequestSceneRender:
    values: dict[str, object] = {"command_id": "r", "job_id": job(20), "scene_number": 1,
                                 "topic": "Machine Learning"}
    return RequestSceneRender(**{**CMD, **values, **fields})  # type: ignore[arg-type]


def combine(scenes: list[int] | None = None) -> RequestCombine:
    return RequestCombine(**CMD, command_id="m", job_id=job(30), scenes=scenes)


# ---- opening a session, and requests ----------------------------------------------------


def test_the_first_request_opens_the_session_then_asks_for_the_plan() -> None:
    assert Given().when(plan()) == [OPENED, PLAN_ASKED]


def test_a_later_request_continues_the_session_in_its_own_project() -> None:
    # A worker's or a client's command may name the project otherwise: the session keeps its own.
    events = Given(OPENED).when(plan(job_id=job(5), project="elsewhere"))
    assert events == [replace(PLAN_ASKED, job_id=job(5))]


def test_a_request_for_a_known_job_is_a_no_op_and_another_kind_conflicts() -> None:
    given = Given(OPENED, PLAN_ASKED)
    assert given.when(plan(command_id="resent")) == []
    given.refuses(code(job_id=job(1)), Conflict)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (plan(scene_count=0), "scene_count"),
        (plan(scene_count=21), "scene_count"),
        (plan(topic="   "), "topic"),
        (plan(topic="x" * 20_001), "topic"),
        (plan(temperature=3.0), "temperature"),
    ],
)
def test_a_bad_plan_request_is_invalid_naming_the_field(
    command: RequestPlan, field: str
) -> None:
    error = Given().refuses(command, Invalid)
    assert error.field == field


def test_implementations_of_the_sessions_plan_when_none_is_sent() -> None:
    request = RequestImplementations(**CMD, command_id="i", job_id=job(2), topic="Machine Learning")
    [event] = Given(OPENED, PLAN_ASKED, PLANNED).when(request)
    assert event == IMPL_ASKED


def test_implement_without_a_plan_or_with_a_bad_one_is_invalid_plan_xml() -> None:
    request = RequestImplementations(**CMD, command_id="i", job_id=job(2), topic="ML")
    assert Given(OPENED).refuses(request, Invalid).field == "plan_xml"
    assert Given().refuses(request, Invalid).field == "plan_xml"
    broken = Given().refuses(replace(request, plan_xml="<PLAN>nothing</PLAN>"), Invalid)
    assert broken.field == "plan_xml"
    assert "SCENE_OUTLINE" in broken.message


def test_implement_with_a_clients_plan_opens_a_session() -> None:
    request = RequestImplementations(**CMD, command_id="i", job_id=job(2), topic="ML",
                                     plan_xml=PLAN_XML)  # fmt: skip
    opened, asked = Given().when(request)
    assert isinstance(opened, ManimSessionOpened)
    assert isinstance(asked, ImplementationsRequested)
    assert asked.scenes == SCENES


# ---- code: first, fix, edit -----------------------------------------------------------------


def test_a_first_code_takes_outline_and_implementation_from_the_session() -> None:
    [event] = Given(*PLANNED_SESSION).when(code(scene_number=2))
    assert isinstance(event, CodeRequested)
    assert event.scene_outline == scene_outline_of(SCENES, 2)
    assert event.implementation == implementation_text(IMPLEMENTATIONS[1])
    assert (event.failed_version, event.base_code, event.edit_prompt) == (None, None, None)


def test_a_clients_outline_and_implementation_win() -> None:
    [event] = Given(*PLANNED_SESSION).when(code(scene_outline="mine", implementation="also"))
    assert isinstance(event, CodeRequested)
    assert (event.scene_outline, event.implementation) == ("mine", "also")


@pytest.mark.parametrize(
    ("command", "field", "error"),
    [
        (code(scene_number=0), "scene_number", Invalid),
        (code(scene_number=4), "scene_outline", Invalid),
        (code(failed_version=1, edit_prompt="make it red"), "edit_prompt", Invalid),
        (code(edit_prompt="red"), "edit_prompt", Invalid),
        (code(base_version=1), "base_version", Invalid),
        (code(edit_prompt="make it red"), "base_version", NotFound),
        (code(failed_version=1, error="boom"), "failed_version", NotFound),
    ],
)
def test_a_bad_code_request_is_refused_naming_the_field(
    command: RequestCode, field: str, error: type[DomainError]
) -> None:
    assert Given(*PLANNED_SESSION).refuses(command, error).field == field


def test_a_first_code_without_an_implementation_is_invalid() -> None:
    given = Given(OPENED, PLAN_ASKED, PLANNED)
    assert given.refuses(code(), Invalid).field == "implementation"


def test_a_fix_carries_the_failed_code_and_its_renders_error() -> None:
    given = Given(*PLANNED_SESSION, code_asked(10, 1), code_written(10, 1, 1, "bad code"),
                  render_asked(20, 1, 1), render_failed(20, 1, 1, "NameError: foo"))  # fmt: skip
    [event] = given.when(code(job_id=job(11), failed_version=1))
    assert isinstance(event, CodeRequested)
    assert (event.base_version, event.base_code, event.error) == (1, "bad code", "NameError: foo")
    [sent] = given.when(code(job_id=job(11), failed_version=1, error="the task's error"))
    assert isinstance(sent, CodeRequested)
    assert sent.error == "the task's error"


def test_a_fix_of_a_version_that_never_failed_needs_an_error() -> None:
    given = Given(*PLANNED_SESSION, code_asked(10, 1), code_written(10, 1, 1))
    assert given.refuses(code(job_id=job(11), failed_version=1), Invalid).field == "error"


def test_an_edit_works_on_the_latest_version_unless_told_otherwise() -> None:
    given = Given(*PLANNED_SESSION, code_asked(10, 2), code_written(10, 2, 1, "first"),
                  code_asked(11, 2), code_written(11, 2, 2, "second"))  # fmt: skip
    [latest] = given.when(code(job_id=job(12), scene_number=2,
                               edit_prompt="  make it more colorful "))  # fmt: skip
    assert isinstance(latest, CodeRequested)
    assert (latest.base_version, latest.base_code) == (2, "second")
    assert latest.edit_prompt == "make it more colorful"
    [older] = given.when(code(job_id=job(12), scene_number=2, edit_prompt="make it red",
                              base_version=1))  # fmt: skip
    assert isinstance(older, CodeRequested)
    assert (older.base_version, older.base_code) == (1, "first")


def test_an_edit_needs_no_plan() -> None:
    given = Given(OPENED, code_asked(10, 1), code_written(10, 1, 1, "first"))
    [event] = given.when(code(job_id=job(11), edit_prompt="make it slower"))
    assert isinstance(event, CodeRequested)
    assert (event.scene_outline, event.implementation, event.base_code) == ("", "", "first")


@pytest.mark.parametrize(
    ("request_event", "expected"),
    [
        (code_asked(10, 1), "written"),
        (replace(code_asked(10, 1), failed_version=1, error="e", base_code="x"), "fixed"),
        (replace(code_asked(10, 1), edit_prompt="make it red", base_code="x"), "edited"),
    ],
)
def test_recorded_code_is_the_scenes_next_version_with_its_reason(
    request_event: CodeRequested, expected: str
) -> None:
    given = Given(OPENED, code_asked(9, 1), code_written(9, 1, 1), request_event)
    record = RecordCode(**CMD, command_id="rc", job_id=job(10), scene_number=1, code="new",
                        writer="offline", raw_response="raw")  # fmt: skip
    [event] = given.when(record)
    assert event == CodeWritten(**BASE, job_id=job(10), scene_number=1, version=2, code="new",
                                reason=expected, writer="offline", raw_response="raw",  # type: ignore[arg-type]
                                written_at=NOW)  # fmt: skip


def test_recorded_code_for_another_scene_or_empty_is_invalid() -> None:
    given = Given(OPENED, code_asked(10, 1))
    record = RecordCode(**CMD, command_id="rc", job_id=job(10), scene_number=2, code="x",
                        writer="offline")  # fmt: skip
    assert given.refuses(record, Invalid).field == "scene_number"
    assert given.refuses(replace(record, scene_number=1, code="  "), Invalid).field == "code"


# ---- renders ------------------------------------------------------------------------------


def test_code_sent_with_a_render_is_the_next_version_then_rendered() -> None:
    given = Given(OPENED, code_asked(10, 1), code_written(10, 1, 1))
    written, asked = given.when(render(code="class Scene1: ...", requested_version=7))
    assert written == CodeWritten(**BASE, job_id=job(20), scene_number=1, version=2,
                                  code="class Scene1: ...", reason="supplied", writer="client",
                                  written_at=NOW)  # fmt: skip
    assert isinstance(asked, SceneRenderRequested)
    assert (asked.version, asked.code, asked.requested_version) == (2, "class Scene1: ...", 7)
    state = fold_session([written, asked], given.state)
    assert state.jobs[job(20)].kind == "render"
    assert state.jobs[job(20)].open


def test_a_render_without_code_takes_the_latest_version() -> None:
    given = Given(OPENED, code_asked(10, 1), code_written(10, 1, 1, "one"), code_asked(11, 1),
                  code_written(11, 1, 2, "two"))  # fmt: skip
    [asked] = given.when(render())
    assert isinstance(asked, SceneRenderRequested)
    assert (asked.version, asked.code) == (2, "two")


def test_a_render_of_a_scene_without_code_is_not_found() -> None:
    assert Given(OPENED).refuses(render(), NotFound).field == "scene_number"
    # A new session's render with no code opens nothing.
    Given().refuses(render(), NotFound)


@pytest.mark.parametrize(
    ("fields", "size"),
    [
        ({"quality": "preview"}, (426, 240, 15)),
        ({"quality": "low"}, (854, 480, 15)),
        ({"quality": "medium"}, (1280, 720, 30)),
        ({"quality": "high"}, (1920, 1080, 60)),
        ({"quality": "production"}, (2560, 1440, 60)),
        ({"quality": "high", "width": 640, "height": 360, "fps": 24}, (640, 360, 24)),
    ],
)
def test_the_render_size_is_the_qualitys_unless_overridden(
    fields: dict[str, object], size: tuple[int, int, int]
) -> None:
    [asked] = Given(OPENED, code_asked(10, 1), code_written(10, 1, 1)).when(render(**fields))
    assert isinstance(asked, SceneRenderRequested)
    assert (asked.width, asked.height, asked.fps) == size


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scene_number": 0}, "scene_number"),
        ({"width": 0}, "width"),
        ({"width": 641}, "width"),
        ({"height": 8000}, "height"),
        ({"fps": 500}, "fps"),
        ({"max_duration_s": 0.0}, "max_duration_s"),
        ({"code": "  \n"}, "code"),
        ({"code": "x" * 200_001}, "code"),
        ({"attempt": 0}, "attempt"),
    ],
)
def test_a_bad_render_request_is_invalid_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    given = Given(OPENED, code_asked(10, 1), code_written(10, 1, 1))
    assert given.refuses(render(**fields), Invalid).field == field


def test_narration_is_the_scenes_unless_sent_or_turned_off() -> None:
    given = Given(*PLANNED_SESSION, code_asked(10, 2), code_written(10, 2, 1))

    def narration(**fields: object) -> str | None:
        [asked] = given.when(render(scene_number=2, **fields))
        assert isinstance(asked, SceneRenderRequested)
        return asked.narration

    assert narration() == "Say 2."
    assert narration(narration="Mine.") == "Mine."
    assert narration(narration="  ") is None
    assert narration(narrate=False) is None


def test_a_render_answers_once_ok_or_failed() -> None:
    history = (OPENED, code_asked(10, 1), code_written(10, 1, 1), render_asked(20, 1, 1))
    given = Given(*history)
    ok = RecordSceneRender(**CMD, command_id="rr", job_id=job(20), scene_number=1, version=1,
                           video_key="v1.1.mp4", srt_key="s1.1.srt", code_key="c1.1.py",
                           duration_s=1.0, sandbox="bwrap")  # fmt: skip
    assert given.when(ok) == [rendered(20, 1, 1)]
    failed = replace(ok, error="timed out after 300 s", video_key=None, srt_key=None)
    assert given.when(failed) == [
        replace(render_failed(20, 1, 1, "timed out after 300 s"), code_key="c1.1.py")
    ]
    assert Given(*history, rendered(20, 1, 1)).when(failed) == []
    assert given.refuses(replace(ok, version=2), Invalid).field == "version"
    assert given.refuses(replace(ok, video_key=None), Invalid).field == "video_key"


def test_a_failed_render_job_fails_as_a_render_and_other_jobs_as_jobs() -> None:
    given = Given(OPENED, PLAN_ASKED, code_asked(10, 1), code_written(10, 1, 1),
                  render_asked(20, 1, 1))  # fmt: skip
    fail_render = FailManimJob(**CMD, command_id="f", job_id=job(20), reason="worker gave up")
    assert given.when(fail_render) == [render_failed(20, 1, 1, "worker gave up")]
    fail_plan = replace(fail_render, job_id=job(1), reason="the model is down")
    assert given.when(fail_plan) == [ManimJobFailed(**BASE, job_id=job(1), task_id=TASK,
                                                    kind="plan", reason="the model is down",
                                                    failed_at=NOW)]  # fmt: skip


# ---- combine ------------------------------------------------------------------------------

RENDERED_TWO = (
    OPENED, PLAN_ASKED, PLANNED,
    code_asked(10, 1), code_written(10, 1, 1), render_asked(20, 1, 1), rendered(20, 1, 1),
    code_asked(11, 2), code_written(11, 2, 1), render_asked(21, 2, 1), rendered(21, 2, 1),
    code_asked(12, 2), code_written(12, 2, 2), render_asked(22, 2, 2),
    render_failed(22, 2, 2, "exit status 1"),
)  # fmt: skip


def test_combine_joins_the_latest_rendered_version_of_each_scene_in_order() -> None:
    [event] = Given(*RENDERED_TWO).when(combine([2, 1, 2]))
    assert event == CombineRequested(**BASE, job_id=job(30), requested_at=NOW, scenes=[
        CombinedScene(scene_number=1, version=1, video_key="v1.1.mp4", srt_key="s1.1.srt",
                      duration_s=1.0),
        CombinedScene(scene_number=2, version=1, video_key="v2.1.mp4", srt_key="s2.1.srt",
                      duration_s=2.0),
    ])  # fmt: skip


def test_combine_names_the_scenes_without_a_rendered_version() -> None:
    # No list: every scene of the plan, and scene 3 was never rendered.
    error = Given(*RENDERED_TWO).refuses(combine(), Invalid)
    assert (error.field, error.message) == ("scenes", "scene 3 has no rendered version")
    two = Given(*RENDERED_TWO).refuses(combine([1, 3, 4]), Invalid)
    assert two.message == "scenes 3 and 4 have no rendered version"


def test_combine_of_nothing_is_invalid_and_of_no_session_not_found() -> None:
    assert Given(*RENDERED_TWO).refuses(combine([]), Invalid).field == "scenes"
    assert Given(*RENDERED_TWO).refuses(combine([0, 1]), Invalid).field == "scenes"
    assert Given(OPENED).refuses(combine(), Invalid).field == "scenes"
    Given().refuses(combine([1]), NotFound)


def test_combine_without_a_plan_joins_every_rendered_scene() -> None:
    history = [e for e in RENDERED_TWO if not isinstance(e, PlanWritten | PlanRequested)]
    [event] = Given(*history).when(combine())
    assert isinstance(event, CombineRequested)
    assert [s.scene_number for s in event.scenes] == [1, 2]


def test_a_combine_answers_once_with_its_scenes_or_fails() -> None:
    history = (*RENDERED_TWO, *Given(*RENDERED_TWO).when(combine([1, 2])))
    done = RecordCombine(**CMD, command_id="rm", job_id=job(30), output_key="all.mp4",
                         srt_key="all.srt", duration_s=3.0)  # fmt: skip
    [combined] = Given(*history).when(done)
    assert isinstance(combined, ScenesCombined)
    assert [s.scene_number for s in combined.scenes] == [1, 2]
    assert (combined.output_key, combined.duration_s) == ("all.mp4", 3.0)
    assert Given(*history, combined).when(done) == []
    [failed] = Given(*history).when(replace(done, error="scene 2's video is missing"))
    assert isinstance(failed, ManimJobFailed)
    assert (failed.kind, failed.reason) == ("combine", "scene 2's video is missing")
    assert Given(*history).refuses(replace(done, output_key=None), Invalid).field == "output_key"


# ---- every job answers once ----------------------------------------------------------------


def test_a_job_starts_once_and_not_once_it_is_answered_or_cancelled() -> None:
    start = StartManimJob(**CMD, command_id="s", job_id=job(1))
    started = ManimJobStarted(**BASE, job_id=job(1), task_id=TASK, kind="plan", started_at=NOW)
    assert Given(OPENED, PLAN_ASKED).when(start) == [started]
    assert Given(OPENED, PLAN_ASKED, started).when(start) == []
    cancelled = ManimJobCancelled(**BASE, job_id=job(1), task_id=TASK, kind="plan",
                                  cancelled_at=NOW)  # fmt: skip
    answered = Given(OPENED, PLAN_ASKED, started, PLANNED).refuses(start, Conflict)
    assert "answered" in answered.message
    assert "cancelled" in Given(OPENED, PLAN_ASKED, cancelled).refuses(start, Conflict).message
    assert Given(OPENED).refuses(start, NotFound).field == "job_id"


def test_answers_carry_the_task_of_their_request() -> None:
    record = RecordPlan(**CMD, command_id="rp", job_id=job(1), plan_xml=PLAN_XML, scenes=SCENES,
                        writer="offline")  # fmt: skip
    assert Given(OPENED, PLAN_ASKED).when(record) == [PLANNED]


def test_an_answer_for_an_answered_or_cancelled_job_is_a_no_op() -> None:
    record = RecordPlan(**CMD, command_id="rp", job_id=job(1), plan_xml=PLAN_XML, scenes=SCENES,
                        writer="offline")  # fmt: skip
    cancelled = ManimJobCancelled(**BASE, job_id=job(1), task_id=TASK, kind="plan",
                                  cancelled_at=NOW)  # fmt: skip
    fail = FailManimJob(**CMD, command_id="f", job_id=job(1), reason="late")
    for history in ((OPENED, PLAN_ASKED, PLANNED), (OPENED, PLAN_ASKED, cancelled)):
        assert Given(*history).when(record) == []
        assert Given(*history).when(fail) == []


def test_an_answer_of_the_wrong_kind_conflicts_and_of_an_unknown_job_is_not_found() -> None:
    record = RecordImplementations(**CMD, command_id="ri", job_id=job(1),
                                   implementations=IMPLEMENTATIONS, writer="offline")  # fmt: skip
    Given(OPENED, PLAN_ASKED).refuses(record, Conflict)
    Given(OPENED, PLAN_ASKED).refuses(replace(record, job_id=job(99)), NotFound)
    empty = RecordPlan(**CMD, command_id="rp", job_id=job(1), plan_xml="", scenes=[],
                       writer="offline")  # fmt: skip
    assert Given(OPENED, PLAN_ASKED).refuses(empty, Invalid).field == "scenes"


def test_implementations_update_the_sessions_scenes() -> None:
    record = RecordImplementations(
        **CMD, command_id="ri", job_id=job(2), implementations=IMPLEMENTATIONS[:1],
        writer="offline",
    )
    [event] = Given(OPENED, IMPL_ASKED).when(record)
    assert event == replace(IMPLEMENTED, implementations=IMPLEMENTATIONS[:1])


def test_cancel_cancels_only_the_jobs_still_open() -> None:
    started = ManimJobStarted(**BASE, job_id=job(1), task_id=TASK, kind="plan", started_at=NOW)
    given = Given(OPENED, PLAN_ASKED, started, code_asked(10, 1), code_written(10, 1, 1),
                  render_asked(20, 1, 1))  # fmt: skip
    cancel = CancelManimJobs(**CMD, command_id="x", job_ids=[job(1), job(10), job(20), job(99),
                                                             job(1)], task_id=TASK)  # fmt: skip
    assert given.when(cancel) == [
        ManimJobCancelled(**BASE, job_id=job(1), task_id=TASK, kind="plan", cancelled_at=NOW),
        ManimJobCancelled(**BASE, job_id=job(20), kind="render", cancelled_at=NOW),
    ]
    assert Given().when(cancel) == []

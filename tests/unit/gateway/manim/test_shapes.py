"""Doc 003's shapes without a server: jobs as the doc's clients read them, scene ids, NULs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import msgspec
import pytest
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.manim.rows import JobRow
from videogen_gateway.surfaces.manim.bodies import GenerateBody, nul_field
from videogen_gateway.surfaces.manim.schemas import job_out
from videogen_gateway.surfaces.manim.sessions import new_session_id, scene_of

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def job(kind: str, status: str, **values: Any) -> JobRow:
    base: dict[str, Any] = dict(
        job_id=uuid4(), session_id="s1", project_key=uuid4(), task_id=None, kind=kind,
        status=status, topic="Machine Learning", error=None, scene_number=None,
        requested_version=None, code_version=None, code=None, output=None, video_key=None,
        srt_key=None, code_key=None, duration_s=None, requested_at=NOW, updated_at=NOW,
    )
    return JobRow(**(base | values))


@pytest.mark.parametrize(("stored", "status", "state"), [
    ("pending", "pending", "PENDING"), ("running", "running", "STARTED"),
    ("completed", "completed", "SUCCESS"), ("failed", "failed", "FAILURE"),
    ("cancelled", "failed", "FAILURE"),
])
def test_status_and_celery_state(stored: str, status: str, state: str) -> None:
    out = job_out(job("plan", stored))
    assert (out.status, out.state) == (status, state)
    assert out.result is None
    assert (out.error == "cancelled") is (stored == "cancelled")


def test_plan_result_is_what_the_doc_reads() -> None:
    out = job_out(job("plan", "completed", output={"plan": "<SCENE_OUTLINE/>", "scene_count": 1,
                                                   "writer": "offline"}))
    assert out.result == {"topic": "Machine Learning", "session_id": "s1",
                          "plan": "<SCENE_OUTLINE/>"}


def test_a_failed_render_carries_its_error_and_code() -> None:
    out = job_out(job("render", "failed", error="exit status 1: NameError", code="x",
                      scene_number=2, requested_version=0, code_version=3,
                      code_key="manim/k/scene_2_v3.py"))
    assert (out.status, out.error) == ("failed", "exit status 1: NameError")
    assert out.result is not None
    assert out.result["error"] == "exit status 1: NameError"
    assert out.result["code"] == "x"
    assert (out.result["version"], out.result["code_version"]) == (0, 3)
    assert out.result["code_url"] == "/api/v1/video/files/manim/k/scene_2_v3.py"
    assert out.result["video_url"] is None


def test_combine_result_points_at_the_files_route() -> None:
    out = job_out(job("combine", "completed", video_key="manim/k/combined_j.mp4",
                      duration_s=12.5, output=[{"scene_number": 1}]))
    assert out.result == {"output": "manim/k/combined_j.mp4",
                          "output_url": "/api/v1/video/files/manim/k/combined_j.mp4",
                          "srt_url": None, "duration": 12.5, "scenes": [{"scene_number": 1}]}


def test_scene_ids_split_at_the_last_scene_mark() -> None:
    assert scene_of("my_scene_session_scene_12") == ("my_scene_session", 12)
    for bad in ("scene_123", "s_scene_0", "s_scene_x", "_scene_1", "s_scene_", "s_scene_\uff11"):
        with pytest.raises(ApiError) as caught:
            scene_of(bad)
        assert (caught.value.status, caught.value.field) == (404, "scene_id")


def test_new_sessions_are_session_and_8_hex() -> None:
    made = new_session_id()
    assert made.startswith("session_")
    assert len(made) == 16
    int(made[8:], 16)


def test_a_nul_anywhere_names_its_field() -> None:
    body = msgspec.json.decode(
        b'{"project_id": "p", "content_prompt": "explain things",'
        b' "render_config": {"voice": "a\\u0000b"}}', type=GenerateBody)
    assert nul_field(body) == "render_config.voice"
    assert nul_field(msgspec.structs.replace(body, render_config=msgspec.structs.replace(
        body.render_config, voice=None))) is None

"""Every bad input of issue 5 against the running stack: an RFC 7807 problem with a
correlationId, `type` → docs/errors.md#E<status>, and for a validation error the field as
the client named it, with guidance. Conflicts name the job's current status."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import BRIEF, assert_problem, create_job, job_body, wait_for

ERRORS_DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


def with_brief(**changes: Any) -> dict[str, Any]:
    return job_body(brief={**BRIEF, **changes})


def with_spec(spec: str, **changes: Any) -> dict[str, Any]:
    body = job_body()
    body[spec] = {**body.get(spec, {}), **changes}
    return body


DURATION = "planSpec.targetDuration"
BAD_BODIES: list[tuple[str, Any, str]] = [
    ("no brief", {"planSpec": {"targetDuration": "00:00:10"}}, "brief"),
    ("brief null", {"brief": None}, "brief"),
    ("brief not an object", {"brief": "a video"}, "brief"),
    ("no topic", job_body(brief={"audience": "x"}), "brief.topic"),
    ("empty topic", with_brief(topic=""), "brief.topic"),
    ("blank topic", with_brief(topic="   "), "brief.topic"),
    ("topic not text", with_brief(topic=42), "brief.topic"),
    ("topic too long", with_brief(topic="x" * 501), "brief.topic"),
    ("bad aspect", with_brief(aspect="Cinema21x9"), "brief.aspect"),
    ("bad duration", with_spec("planSpec", targetDuration="90 seconds"), DURATION),
    ("duration minutes", with_spec("planSpec", targetDuration="00:75:00"), DURATION),
    ("zero duration", with_spec("planSpec", targetDuration="00:00:00"), DURATION),
    ("bad pacing", with_spec("planSpec", pacing="Warp"), "planSpec.pacing"),
    ("rate too low", with_spec("voiceSpec", rate=0.1), "voiceSpec.rate"),
    ("rate too high", with_spec("voiceSpec", rate=9), "voiceSpec.rate"),
    ("rate not a number", with_spec("voiceSpec", rate="fast"), "voiceSpec.rate"),
    ("pitch too high", with_spec("voiceSpec", pitch=3.5), "voiceSpec.pitch"),
    ("pitch negative", with_spec("voiceSpec", pitch=-1), "voiceSpec.pitch"),
    ("bad pause", with_spec("voiceSpec", pause="Forever"), "voiceSpec.pause"),
    ("unknown voice", with_spec("voiceSpec", voiceName="nobody"), "voiceSpec.voiceName"),
    ("bad res", with_spec("renderSpec", res="999p"), "renderSpec.res"),
    ("bad fps", with_spec("renderSpec", fps=48), "renderSpec.fps"),
    ("fps as text", with_spec("renderSpec", fps="30"), "renderSpec.fps"),
    ("bad codec", with_spec("renderSpec", codec="AV2"), "renderSpec.codec"),
    ("codec vs container", with_spec("renderSpec", codec="H264", container="webm"),
     "renderSpec.codec"),
    ("bad container", with_spec("renderSpec", container="avi"), "renderSpec.container"),
    ("bitrate", with_spec("renderSpec", videoBitrateK=5), "renderSpec.videoBitrateK"),
    ("audio bitrate", with_spec("renderSpec", audioBitrateK=4000), "renderSpec.audioBitrateK"),
    ("quality", with_spec("renderSpec", qualityLevel=101), "renderSpec.qualityLevel"),
    ("scene cut", with_spec("renderSpec", enableSceneCut="yes"), "renderSpec.enableSceneCut"),
    ("unknown preset", {"preset": "nope"}, "preset"),
    ("default preset without topic", {"preset": "default", "inputs": {}}, "inputs.topic"),
    ("preset quality", {"preset": "sample-hello-youtube", "options": {"quality": "max"}},
     "options.quality"),
]


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in BAD_BODIES],
                         ids=[name for name, _, _ in BAD_BODIES])
async def test_a_bad_job_request_names_the_field(
    api: httpx.AsyncClient, body: Any, field: str
) -> None:
    before = (await api.get("/api/jobs")).json()["totalCount"]
    response = await api.post("/api/jobs", json=body)
    assert_problem(response, 400, field)
    assert (await api.get("/api/jobs")).json()["totalCount"] == before, "nothing created"


async def test_malformed_json_and_an_empty_body_are_400(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/jobs", content=b"{not json",
                              headers={"content-type": "application/json"})
    assert_problem(response, 400)
    assert_problem(await api.post("/api/jobs", content=b""), 400, "brief")


async def test_a_topic_of_2_mb_is_refused(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/jobs", json=with_brief(topic="x" * 2_000_000))
    assert_problem(response, 413)


@pytest.mark.parametrize("job_id", ["3f0c8a52-5d1e-4c7b-9a61-0d2e8f4b7c19", "not-a-uuid", "123"])
@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("GET", "/events"), ("GET", "/logs"), ("GET", "/download"),
     ("POST", "/cancel"), ("POST", "/retry")],
)
async def test_an_unknown_job_is_a_404_problem(
    api: httpx.AsyncClient, job_id: str, method: str, suffix: str
) -> None:
    response = await api.request(method, f"/api/jobs/{job_id}{suffix}")
    assert_problem(response, 404)


@pytest.mark.parametrize(("params", "field"), [({"page": 0}, "page"),
                                               ({"pageSize": 0}, "pageSize"),
                                               ({"pageSize": 1000}, "pageSize")])
async def test_bad_pages_are_400(
    api: httpx.AsyncClient, params: dict[str, int], field: str
) -> None:
    assert_problem(await api.get("/api/jobs", params=params), 400, field)


async def test_a_finished_job_cannot_be_cancelled_nor_a_succeeded_one_retried(
    api: httpx.AsyncClient,
) -> None:
    job_id = await create_job(api)
    job = await wait_for(api, job_id, {"Succeeded", "Failed"})
    assert job["status"] == "Succeeded", job
    cancelled = assert_problem(await api.post(f"/api/jobs/{job_id}/cancel"), 409)
    assert cancelled["currentStatus"] == "Succeeded"
    retried = assert_problem(await api.post(f"/api/jobs/{job_id}/retry"), 409)
    assert retried["currentStatus"] == "Succeeded"


async def test_a_running_job_cannot_be_retried_and_is_not_downloadable_yet(
    make_stack: Callable[..., Stack],
) -> None:
    # With the media service down the job cannot get past its narration, so it is still
    # Queued or Running whenever it is asked: the conflicts below always happen.
    stack = make_stack()
    stack.kill("media")
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as api:
        job_id = await create_job(api)
        early = assert_problem(await api.get(f"/api/jobs/{job_id}/download"), 409)
        assert early["currentStatus"] in ("Queued", "Running")
        retried = assert_problem(await api.post(f"/api/jobs/{job_id}/retry"), 409)
        assert retried["currentStatus"] in ("Queued", "Running")
        cancelled = await api.post(f"/api/jobs/{job_id}/cancel")
        assert cancelled.status_code == 202, cancelled.text


def test_every_status_the_surface_answers_is_documented() -> None:
    documented = ERRORS_DOC.read_text(encoding="utf-8")
    for status in (400, 404, 405, 409, 413, 415, 416, 500, 503):
        assert f"## E{status}" in documented
    for code in ("SCRIPT_FAILED", "MEDIA_FAILED", "RENDER_FAILED", "INVALID_INPUT",
                 "INTERNAL_ERROR", "STALL_TIMEOUT", "STALL_WARNING"):
        assert f"`{code}`" in documented

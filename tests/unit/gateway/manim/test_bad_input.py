"""Every bad input of issue 12 is a 4xx problem+json naming its field, never a 500; and
Manim unavailable is a 503 saying why (no infra: the routes answer these before they read
a read model or send a command)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.datastructures import State
from litestar.testing import AsyncTestClient
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.media.manim_status import ManimStatus
from videogen_contracts.replies import QueryAnswered
from videogen_gateway.app import GatewayApp
from videogen_gateway.errors import EXCEPTION_HANDLERS, PROBLEM_JSON
from videogen_gateway.runtime import MAX_BODY_BYTES, GatewayOptions, Runtime
from videogen_gateway.surfaces.manim.agent_routes import manim_agents_router
from videogen_gateway.surfaces.manim.availability import ManimAvailability, manim_check
from videogen_gateway.surfaces.manim.file_routes import manim_files_router
from videogen_gateway.surfaces.manim.task_routes import manim_tasks_router
from videogen_runtime.settings import Settings

AGENTS = "/api/v1/video/agents"
FLOWS = "/api/v1/video-generation"
GOOD_GENERATE = {"project_id": "p", "content_prompt": "Explain machine learning basics"}


class FakeDispatcher:
    """Answers `manim_status` with `status`; counts the questions."""

    def __init__(self, status: ManimStatus) -> None:
        self.status, self.asked = status, 0

    async def query(self, service: str, name: str, query: object, *args: Any,
                    **kwargs: Any) -> QueryAnswered:  # fmt: skip
        assert (service, name) == ("media", "manim_status")
        self.asked += 1
        return QueryAnswered(answer=msgspec.Raw(msgspec.json.encode(self.status)))


DOWN = ManimStatus(available=False, reason="bwrap unavailable and unshare refused: EPERM")


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    rt = Runtime(Settings(data_dir=tmp_path), GatewayOptions())
    rt.dispatcher = FakeDispatcher(DOWN)  # type: ignore[assignment]
    return rt


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[AsyncTestClient[GatewayApp]]:
    app = GatewayApp(
        route_handlers=[manim_agents_router(), manim_tasks_router(), manim_files_router()],
        exception_handlers=EXCEPTION_HANDLERS, request_max_body_size=MAX_BODY_BYTES,
        state=State({"runtime": runtime}), logging_config=None,
    )
    async with AsyncTestClient(app) as c:
        yield c


def problem(response: httpx.Response, status: int, field: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status, body
    assert body["detail"], body
    assert body.get("field") == field, body
    return body


BIG = "x" * (2 * 1024 * 1024)

CASES: list[tuple[str, object, str | None]] = [
    # (path, body, field to blame)
    ("/plan", None, "topic"),
    ("/plan", {}, "topic"),
    ("/plan", {"topic": ""}, "topic"),
    ("/plan", {"topic": "   "}, "topic"),
    ("/plan", {"topic": 5}, "topic"),
    ("/plan", {"topic": "a\x00b"}, "topic"),
    ("/plan", {"topic": "t", "session_id": "a/b"}, "session_id"),
    ("/plan", {"topic": "t", "scene_count": 0}, "scene_count"),
    ("/plan", {"topic": "t", "scene_count": "3"}, "scene_count"),
    ("/plan", {"topic": BIG}, "topic"),
    ("/plan", [1, 2], None),
    ("/implement", {"topic": "t", "plan_xml": 7}, "plan_xml"),
    ("/code", {"topic": "t", "scene_number": 0}, "scene_number"),
    ("/code", {"topic": "t"}, "scene_number"),
    ("/code", {"topic": "t", "scene_number": 1.5}, "scene_number"),
    ("/code", {"topic": "t", "scene_number": True}, "scene_number"),
    ("/render/scene", {"topic": "t", "scene_number": 1, "code": "x", "quality": "ultra"},
     "quality"),
    ("/render/scene", {"topic": "t", "scene_number": 1, "code": "x", "resolution": "huge"},
     "resolution"),
    ("/render/scene", {"topic": "t", "scene_number": 1, "code": "x", "version": -1}, "version"),
    ("/render/scene", {"topic": "t", "scene_number": 1, "code": "\x00"}, "code"),
    ("/render/scene", {"topic": "t", "scene_number": 1}, "code"),
    ("/render/combine", {"session_id": "s", "scenes": []}, "scenes"),
    ("/render/combine", {"session_id": "s", "scenes": [0]}, "scenes"),
    ("/render/combine", {}, "session_id"),
    # No body at all, for a body whose every field is optional: the same 422, not a 500.
    ("/render/combine", None, "session_id"),
]

FLOW_CASES: list[tuple[str, object, str | None]] = [
    ("/generate", None, "project_id"),
    ("/generate", {"project_id": "p"}, "content_prompt"),
    ("/generate", {"project_id": "p", "content_prompt": "too short"}, "content_prompt"),
    ("/generate", {"project_id": "p", "content_prompt": BIG}, "content_prompt"),
    ("/generate", GOOD_GENERATE | {"content_prompt": "explain\x00 things"}, "content_prompt"),
    ("/generate", GOOD_GENERATE | {"scene_count": 0}, "scene_count"),
    ("/generate", GOOD_GENERATE | {"scene_count": 21}, "scene_count"),
    ("/generate", GOOD_GENERATE | {"project_id": ""}, "project_id"),
    ("/generate", GOOD_GENERATE | {"render_config": {"quality": "8k"}},
     "render_config.quality"),
    ("/generate", GOOD_GENERATE | {"render_config": {"resolution": "12x"}},
     "render_config.resolution"),
    ("/generate", GOOD_GENERATE | {"render_config": {"max_retries": 11}},
     "render_config.max_retries"),
    ("/generate", GOOD_GENERATE | {"model_config": {"temperature": "hot"}},
     "model_config.temperature"),
    ("/generate", GOOD_GENERATE | {"model_config": []}, "model_config"),
    ("/edit-scene", None, "scene_id"),
    ("/edit-scene", {"scene_id": "s_scene_1", "project_id": "p", "edit_prompt": "red"},
     "edit_prompt"),
]


@pytest.mark.parametrize(("path", "body", "field"), CASES + [
    (f"{FLOWS}{p}", b, f) for p, b, f in FLOW_CASES])
async def test_bad_bodies_are_422_naming_the_field(
    client: AsyncTestClient[GatewayApp], path: str, body: object, field: str | None
) -> None:
    url = path if path.startswith(FLOWS) else f"{AGENTS}{path}"
    content = b"" if body is None else msgspec.json.encode(body)
    response = await client.post(url, content=content,
                                 headers={"Content-Type": "application/json"})
    problem(response, 422, field)


async def test_malformed_json_and_raw_nul_bytes_are_422(
    client: AsyncTestClient[GatewayApp],
) -> None:
    for raw in (b"{", b'{"topic": "a\x00b"}', b"\x00"):
        problem(await client.post(f"{AGENTS}/plan", content=raw), 422, None)


async def test_a_body_past_the_route_limit_is_413(client: AsyncTestClient[GatewayApp]) -> None:
    huge = msgspec.json.encode({"topic": "x" * (9 * 1024 * 1024)})
    problem(await client.post(f"{AGENTS}/plan", content=huge), 413, None)


async def test_unknown_ids_are_404(client: AsyncTestClient[GatewayApp]) -> None:
    problem(await client.get(f"{AGENTS}/jobs/not-a-uuid"), 404, None)
    problem(await client.get(f"{FLOWS}/tasks/nope/status"), 404, None)
    problem(await client.get(f"{FLOWS}/tasks/nope/result"), 404, None)
    problem(await client.delete(f"{FLOWS}/tasks/nope"), 404, None)


async def test_manim_unavailable_is_503_with_the_reason_asked_once(
    client: AsyncTestClient[GatewayApp], runtime: Runtime,
) -> None:
    for _ in range(3):
        body = problem(await client.post(f"{AGENTS}/plan", json={"topic": "t"}), 503, None)
        assert DOWN.reason in body["detail"]
    body = problem(await client.post(f"{FLOWS}/generate", json=GOOD_GENERATE), 503, None)
    assert DOWN.reason in body["detail"]
    fake = runtime.dispatcher
    assert isinstance(fake, FakeDispatcher)
    assert fake.asked == 1  # cached


async def test_the_cache_asks_again_after_its_ttl() -> None:
    fake = FakeDispatcher(DOWN)
    cache = ManimAvailability(ttl=0.0)
    await cache.status(fake)  # type: ignore[arg-type]
    fake.status = ManimStatus(available=True, sandbox="bwrap", manim_version="0.19")
    assert (await cache.status(fake)).available  # type: ignore[arg-type]
    assert fake.asked == 2


class SilentDispatcher:
    """A media service that does not answer (down, or not started yet)."""

    def __init__(self) -> None:
        self.asked = 0

    async def query(self, *args: Any, **kwargs: Any) -> QueryAnswered:
        self.asked += 1
        raise ServiceUnavailable("media", "manim_status", "no responders")


async def test_no_answer_is_remembered_only_briefly() -> None:
    silent = SilentDispatcher()
    cache = ManimAvailability(ttl=60.0, no_answer_ttl=0.0)
    for _ in range(2):
        status = await cache.status(silent)  # type: ignore[arg-type]
        assert not status.available
        assert "media service is unavailable" in status.reason
    assert silent.asked == 2  # asked again: a real answer would have been kept a minute


async def test_the_health_check_says_where_manim_runs() -> None:
    fake = FakeDispatcher(ManimStatus(available=True, sandbox="unshare", manim_version="0.19",
                                      reason="bwrap unavailable: no user namespaces"))
    ok, detail = await manim_check(fake)()  # type: ignore[arg-type]
    assert ok
    assert "unshare" in detail
    assert "bwrap unavailable" in detail
    fake.status = DOWN
    assert await manim_check(fake)() == (False, DOWN.reason)  # type: ignore[arg-type]


async def test_files_are_served_with_ranges_only_under_manim(
    client: AsyncTestClient[GatewayApp], runtime: Runtime,
) -> None:
    key = "manim/3b0f7c52-2a7e-4c0e-9d1e-5a1f7f7e0d03/scene_1_v1.py"
    path = runtime.settings.data_dir / "blobs" / key
    path.parent.mkdir(parents=True)
    path.write_bytes(b"class Scene1: pass\n")
    whole = await client.get(f"/api/v1/video/files/{key}")
    assert (whole.status_code, whole.content) == (200, b"class Scene1: pass\n")
    assert whole.headers["content-type"].startswith("text/x-python")
    part = await client.get(f"/api/v1/video/files/{key}", headers={"Range": "bytes=0-4"})
    assert (part.status_code, part.content) == (206, b"class")
    problem(await client.get(f"/api/v1/video/files/{key}", headers={"Range": "bytes=999-"}),
            416, None)
    for other in ("manim/../../etc/passwd", "editor/x/frames/a.jpg", key.replace("v1", "v2"),
                  key.replace(".py", ".sh")):
        problem(await client.get(f"/api/v1/video/files/{other}"), 404, None)

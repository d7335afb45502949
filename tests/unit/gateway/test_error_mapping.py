"""Every error leaves in its surface's shape with the correlation id (no infra):
application/problem+json, but exactly `{"error": "..."}` on doc 004's paths unless the
client's Accept asks for problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar import get, post
from litestar.params import FromPath, JSONBody
from litestar.testing import AsyncTestClient
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.replies import CommandRejected
from videogen_gateway.app import GatewayApp
from videogen_gateway.errors import (
    EXCEPTION_HANDLERS,
    PROBLEM_JSON,
    ApiError,
    asks_for_problem,
)
from videogen_gateway.runtime import MAX_BODY_BYTES
from videogen_gateway.surfaces.studio.project_schemas import ProjectBody, studio_rejection


@post("/body")
async def take_body(data: JSONBody[ProjectBody]) -> dict[str, str]:
    return {"topic": data.topic}


@get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


@get("/missing")
async def missing() -> None:
    raise ApiError(404, "project x not found")


@get("/refused")
async def refused() -> None:
    raise studio_rejection(
        CommandRejected(code="invalid", message="topic must not be blank", field="topic")
    )


@get("/down")
async def down() -> None:
    raise ServiceUnavailable("project", "create_project", "no responders")


# Routes on doc 004's paths (the shape is chosen by the path, as for Litestar's own 404/405).
@post("/api/v1/generate")
async def plain_body(data: JSONBody[ProjectBody]) -> dict[str, str]:
    return {"topic": data.topic}


@get("/api/v1/status/{job_id:str}")
async def plain_missing(job_id: FromPath[str]) -> None:
    raise ApiError(404, "Job not found")


@get("/api/v1/jobs")
async def plain_boom() -> None:
    raise RuntimeError("secret internals")


@get("/api/v1/download/{job_id:str}")
async def plain_down(job_id: FromPath[str]) -> None:
    raise ServiceUnavailable("project", "start_production", "no responders")


@pytest.fixture
async def client() -> AsyncIterator[AsyncTestClient[GatewayApp]]:
    app = GatewayApp(
        route_handlers=[
            take_body, boom, missing, refused, down,
            plain_body, plain_missing, plain_boom, plain_down,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,
    )
    async with AsyncTestClient(app) as c:
        yield c


def _problem(response: object, status: int) -> dict[str, object]:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = msgspec.json.decode(response.content)
    assert {"type", "title", "status", "detail", "correlationId", "error"} <= set(body)
    assert body["status"] == status
    assert body["error"] == body["detail"]
    assert body["correlationId"] == response.headers["x-correlation-id"]
    return body  # type: ignore[no-any-return]


async def test_malformed_json_is_400(client: AsyncTestClient[GatewayApp]) -> None:
    _problem(await client.post("/body", content=b"{not json"), 400)


async def test_no_body_is_400_saying_so(client: AsyncTestClient[GatewayApp]) -> None:
    assert _problem(await client.post("/body"), 400)["detail"] == "the request needs a JSON body"


async def test_wrong_type_is_400_naming_the_field(client: AsyncTestClient[GatewayApp]) -> None:
    body = _problem(await client.post("/body", json={"topic": 5}), 400)
    assert body["field"] == "topic"


async def test_missing_field_is_400_naming_it(client: AsyncTestClient[GatewayApp]) -> None:
    body = _problem(await client.post("/body", json={"style": "x"}), 400)
    assert body["field"] == "topic"


async def test_body_over_one_mebibyte_is_413(client: AsyncTestClient[GatewayApp]) -> None:
    topic = "x" * (2 * 1024 * 1024)
    _problem(await client.post("/body", json={"topic": topic}), 413)


async def test_unknown_route_and_method(client: AsyncTestClient[GatewayApp]) -> None:
    _problem(await client.get("/nowhere"), 404)
    wrong_method = await client.get("/body")
    _problem(wrong_method, 405)
    assert "POST" in wrong_method.headers["allow"]


async def test_api_error_and_rejection(client: AsyncTestClient[GatewayApp]) -> None:
    _problem(await client.get("/missing"), 404)
    body = _problem(await client.get("/refused"), 400)
    assert body["field"] == "topic"


async def test_service_down_is_503(client: AsyncTestClient[GatewayApp]) -> None:
    response = await client.get("/down")
    body = _problem(response, 503)
    assert "project" in str(body["detail"])
    assert response.headers["retry-after"] == "2"


async def test_crash_is_500_without_internals(client: AsyncTestClient[GatewayApp]) -> None:
    body = _problem(await client.get("/boom"), 500)
    assert "secret" not in str(body)


async def test_the_callers_correlation_id_is_echoed(client: AsyncTestClient[GatewayApp]) -> None:
    response = await client.get("/missing", headers={"X-Correlation-ID": "abc-123"})
    assert response.headers["x-correlation-id"] == "abc-123"
    assert _problem(response, 404)["correlationId"] == "abc-123"
    ok = await client.post("/body", json={"topic": "t"})
    assert ok.status_code == 201
    assert ok.headers["x-correlation-id"]


def _plain(response: object, status: int, error: str | None = None) -> str:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-correlation-id"]
    body = msgspec.json.decode(response.content)
    assert set(body) == {"error"}, body
    assert isinstance(body["error"], str)
    if error is not None:
        assert body["error"] == error
    return body["error"]  # type: ignore[no-any-return]


async def test_doc_004_errors_are_exactly_error(client: AsyncTestClient[GatewayApp]) -> None:
    _plain(await client.get("/api/v1/status/x"), 404, "Job not found")
    _plain(await client.post("/api/v1/generate", content=b"{not json"), 400)
    _plain(await client.post("/api/v1/generate", json={"topic": 5}), 400)
    _plain(await client.post("/api/v1/generate", json={"topic": "x" * (2 * 1024 * 1024)}), 413)
    wrong_method = await client.get("/api/v1/generate")
    _plain(wrong_method, 405)
    assert "POST" in wrong_method.headers["allow"]
    _plain(await client.delete("/api/v1/jobs"), 405)
    _plain(await client.get("/api/v1/status/a/b"), 404)
    _plain(await client.get("/api/v1/download/x"), 503)
    assert "secret" not in _plain(await client.get("/api/v1/jobs"), 500)


async def test_doc_004_errors_keep_the_correlation_id(
    client: AsyncTestClient[GatewayApp],
) -> None:
    response = await client.get("/api/v1/status/x", headers={"X-Correlation-ID": "t2v-1"})
    assert response.headers["x-correlation-id"] == "t2v-1"
    _plain(response, 404, "Job not found")


async def test_doc_004_errors_are_problems_when_accept_asks(
    client: AsyncTestClient[GatewayApp],
) -> None:
    for accept in ("application/problem+json", "application/json, application/problem+json"):
        response = await client.get("/api/v1/status/x", headers={"Accept": accept})
        assert _problem(response, 404)["detail"] == "Job not found"
    _problem(await client.get("/api/v1/generate", headers={"Accept": PROBLEM_JSON}), 405)
    refused = await client.get("/api/v1/status/x", headers={"Accept": f"{PROBLEM_JSON};q=0"})
    _plain(refused, 404, "Job not found")


@pytest.mark.parametrize(
    ("accept", "asks"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/problem+json", True),
        ("text/html, Application/Problem+JSON; q=0.5", True),
        ("application/problem+json;q=0", False),
    ],
)
def test_which_accept_headers_ask_for_problems(accept: str | None, asks: bool) -> None:
    assert asks_for_problem(accept) is asks

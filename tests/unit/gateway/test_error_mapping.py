"""Every error leaves as application/problem+json with the correlation id (no infra)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar import get, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.replies import CommandRejected
from videogen_gateway.app import GatewayApp
from videogen_gateway.errors import EXCEPTION_HANDLERS, PROBLEM_JSON, ApiError
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


@pytest.fixture
async def client() -> AsyncIterator[AsyncTestClient[GatewayApp]]:
    app = GatewayApp(
        route_handlers=[take_body, boom, missing, refused, down],
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
    _problem(await client.get("/body"), 405)


async def test_api_error_and_rejection(client: AsyncTestClient[GatewayApp]) -> None:
    _problem(await client.get("/missing"), 404)
    body = _problem(await client.get("/refused"), 400)
    assert body["field"] == "topic"


async def test_service_down_is_503(client: AsyncTestClient[GatewayApp]) -> None:
    body = _problem(await client.get("/down"), 503)
    assert "project" in str(body["detail"])


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

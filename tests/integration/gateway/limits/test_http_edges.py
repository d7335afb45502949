"""The edges of HTTP on the real gateway served as `python -m videogen_gateway` serves it
(serving.py): security headers on every answer, CORS only for listed origins, body limits
in each surface's shape, headers too large, headers too slow (slow-loris), idle keep-alive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.app import create_app
from videogen_gateway.runtime import GatewayOptions
from videogen_gateway.serving import ServingOptions, protocol_with
from videogen_local.infra import free_port
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)

ORIGIN = "https://app.example"
SERVING = ServingOptions(max_header_bytes=64 * 1024, header_timeout=1.0, keep_alive=1)
SECURITY = {
    "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
    "x-frame-options": "DENY", "cross-origin-resource-policy": "same-origin",
}
Gateway = Callable[..., Any]


@asynccontextmanager
async def served(settings: Settings, options: GatewayOptions) -> AsyncIterator[int]:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, options), port=port, log_config=None, access_log=False,
        http=protocol_with(SERVING), timeout_keep_alive=SERVING.keep_alive,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(20):
        while not server.started:
            assert not serving.done(), "the gateway did not start"
            await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await serving


@pytest.fixture
async def port(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> AsyncIterator[int]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                        data_dir=tmp_path)
    async with served(settings, GatewayOptions(resend_for=1.0)) as port:
        yield port


@pytest.fixture(params=["none", "apikey"])
async def cors_port(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[int]:
    """CORS on, without authentication and with it (a preflight carries no credentials)."""
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id + "c",
                        data_dir=tmp_path)
    options = GatewayOptions(resend_for=1.0, cors_origins=(ORIGIN,),
                             auth=AuthOptions(modes=(request.param,)))
    async with served(settings, options) as port:
        yield port


def http(port: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)


def assert_secured(response: httpx.Response, csp: str = "default-src 'none'; frame-ancestors"
                   " 'none'") -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert response.headers["content-security-policy"] == csp


async def test_every_answer_carries_the_security_headers(port: int) -> None:
    big = b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with http(port) as client:
        answers = [
            await client.get("/api/health/live"),
            await client.get("/schema/openapi.json"),
            await client.get("/no/such/path"),
            await client.delete("/api/v1/generate"),
            await client.post("/api/v1/projects", content=big,
                              headers={"content-type": "application/json"}),
        ]
        docs = await client.get("/schema/swagger")
    assert [a.status_code for a in answers] == [200, 200, 404, 405, 413]
    for answer in answers:
        assert_secured(answer)
        assert "access-control-allow-origin" not in answer.headers  # CORS is off by default
    assert docs.headers["content-type"].startswith("text/html")
    assert_secured(docs, csp="frame-ancestors 'none'")


async def test_a_body_over_the_limit_is_a_413_in_the_surfaces_shape(port: int) -> None:
    big = b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    headers = {"content-type": "application/json"}
    async with http(port) as client:
        studio = await client.post("/api/v1/projects", content=big, headers=headers)
        text2video = await client.post("/api/v1/generate", content=big, headers=headers)
        aura = await client.post("/api/jobs", content=big, headers=headers)
    assert studio.status_code == 413
    assert studio.headers["content-type"] == "application/problem+json"
    assert studio.json()["status"] == 413
    assert text2video.status_code == 413
    assert text2video.headers["content-type"] == "application/json"
    assert set(text2video.json()) == {"error"}
    assert aura.status_code == 413
    assert aura.headers["content-type"].startswith("application/problem+json")


async def test_a_100_mb_body_is_refused_without_reading_it(port: int) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    started = time.monotonic()
    async with http(port) as client:
        try:
            response = await client.post(
                "/api/v1/generate", content=chunks(),
                headers={"content-type": "application/json",
                         "content-length": str(100 * 1024 * 1024 + 12)},
            )
        except (httpx.WriteError, httpx.ReadError, httpx.RemoteProtocolError):
            # Closed (even reset, unread bytes pending) while we were still sending: the
            # 413 may be lost on the way, but the body was refused all the same.
            response = None
    assert response is None or response.status_code == 413
    assert time.monotonic() - started < 20


async def raw(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Everything the server sends until it closes the connection (fails if it never does)."""
    async with asyncio.timeout(seconds):
        return await reader.read(-1)


async def test_headers_of_1_mb_are_a_431_and_the_connection_closed(port: int) -> None:
    reader, writer = await raw(port)
    writer.write(b"GET /api/health/live HTTP/1.1\r\nHost: gw\r\nX-Big: ")
    try:
        for _ in range(16):
            writer.write(b"a" * 65536)
            await writer.drain()
        writer.write(b"\r\n\r\n")
        await writer.drain()
    except ConnectionError:
        pass  # closed while we were still sending
    try:
        answer = await closed_within(reader, 5)
    except ConnectionResetError:
        answer = b""  # reset with our unread bytes pending: closed, which is allowed too
    writer.close()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431 "), answer[:100]


async def test_a_client_sending_headers_slowly_is_disconnected(port: int) -> None:
    reader, writer = await raw(port)
    writer.write(b"GET /api/health/live HTTP/1.1\r\nHost: gw\r\n")
    started = time.monotonic()

    async def dribble() -> None:
        for _ in range(40):  # 8 s of headers, a line every 0.2 s: never complete in time
            writer.write(b"X-Slow: 1\r\n")
            await writer.drain()
            await asyncio.sleep(0.2)

    dribbling = asyncio.create_task(dribble())
    try:
        assert await closed_within(reader, 5) == b""
    finally:
        dribbling.cancel()
        writer.close()
    assert time.monotonic() - started < SERVING.header_timeout + 3  # slack: a loaded machine
    async with http(port) as client:  # everyone else is served meanwhile
        assert (await client.get("/api/health/live")).status_code == 200


async def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    reader, writer = await raw(port)
    writer.write(b"GET /api/health/live HTTP/1.1\r\nHost: gw\r\n\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    started = time.monotonic()
    await closed_within(reader, 5)
    writer.close()
    assert time.monotonic() - started < SERVING.keep_alive + 3


async def test_a_slow_handler_is_not_cut_by_the_header_deadline(port: int) -> None:
    # A generate waits for the (absent) project service longer than the header deadline.
    async with http(port) as client:
        answer = await client.post("/api/v1/generate", json={"text": "Hello."})
    assert answer.status_code == 503, answer.text


async def test_cors_answers_only_the_listed_origins(cors_port: int) -> None:
    async with http(cors_port) as client:
        allowed = await client.get("/api/health/live", headers={"Origin": ORIGIN})
        other = await client.get("/api/health/live", headers={"Origin": "https://evil.example"})
        preflight = await client.options("/api/v1/generate", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        })
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in allowed.headers["access-control-expose-headers"].lower()
    assert_secured(allowed)
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code in (200, 204), preflight.text
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]

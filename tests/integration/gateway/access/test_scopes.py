"""Which routes need what: public ones nothing, others an authenticated caller with the
scope of their method (`read` for GET, `write` otherwise), admin-only ones `admin`; each
refusal in its surface's error shape. And `VIDEOGEN_AUTH=none`: the local user, as before."""

from __future__ import annotations

import pytest
from videogen_gateway.access.authn_options import AuthOptions, JwtOptions
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.integration.gateway.access.conftest import Gateway
from tests.integration.gateway.access.tokens import SECRET, bearer, hs256

HS = AuthOptions(modes=("jwt",), jwt=JwtOptions(secret=SECRET))


def token(scope: str) -> dict[str, str]:
    return bearer(hs256(scope=scope, iss=None, aud=None))


async def test_public_routes_need_no_credentials(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        for path in ("/api/health/live", "/health/live", "/api/health", "/schema",
                     "/schema/openapi.json", "/metrics"):
            answer = await served.http.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text)


async def test_private_routes_answer_401_in_their_surface_shape(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        studio = await served.http.get("/api/v1/projects")
        assert studio.status_code == 401
        assert studio.headers["content-type"].startswith("application/problem+json")
        assert studio.headers["www-authenticate"] == "Bearer"
        # Doc 004: exactly {"error": ...}, unless the client asks for problem+json.
        plain = await served.http.get("/api/v1/jobs")
        assert plain.status_code == 401
        assert plain.headers["content-type"].startswith("application/json")
        assert list(plain.json()) == ["error"]
        assert plain.headers["www-authenticate"] == "Bearer"
        asked = await served.http.get("/api/v1/jobs",
                                       headers={"Accept": "application/problem+json"})
        assert asked.status_code == 401
        assert asked.json()["status"] == 401
        # A bad credential says why (and never echoes it).
        bad = await served.http.get("/api/v1/status/x", headers=bearer("nope.nope.nope"))
        assert bad.status_code == 401
        assert bad.json() == {"error": "the token is malformed"}
        assert bad.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        # WebSocket-free GETs of every surface too.
        for path in ("/api/jobs", "/api/project", "/api/v1/video-generation/tasks/x/status",
                     "/api/settings"):
            assert (await served.http.get(path)).status_code == 401, path


async def test_a_missing_scope_is_a_403(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        reader, writer = token("read"), token("read write")
        assert (await served.http.get("/api/me", headers=reader)).status_code == 200
        # A write with a read-only token: 403 before its body is read or validated.
        refused = await served.http.post("/api/v1/generate", headers=reader, json={})
        assert refused.status_code == 403, refused.text
        assert refused.json() == {
            "error": "this needs the 'write' scope, which the credential lacks"
        }
        # The deployment's provider settings are the admin's.
        settings = await served.http.put("/api/settings", headers=writer, json={})
        assert settings.status_code == 403, settings.text
        assert settings.headers["content-type"].startswith("application/problem+json")
        # A token with no scope at all reads nothing.
        assert (await served.http.get("/api/me", headers=token(""))).status_code == 403
        # Minting a query token needs only read.
        minted = await served.http.post("/api/me/tokens", headers=reader,
                                        json={"path": "/api/me"})
        assert minted.status_code == 201, minted.text


async def test_none_is_the_local_admin_whatever_is_sent(gateway: Gateway) -> None:
    async with gateway(AuthOptions()) as served:
        for headers in ({}, bearer("anything"), {"X-API-Key": "vg_junk"}):
            answer = await served.http.get("/api/me", headers=headers)
            assert answer.status_code == 200
            assert answer.json() == {
                "id": "local", "name": "Local user", "scopes": ["read", "write", "admin"],
                "auth_method": "none", "email": "local@localhost", "auth": "none",
            }


async def test_none_with_jwt_takes_a_token_and_lets_the_rest_be_local(gateway: Gateway) -> None:
    async with gateway(AuthOptions(modes=("none", "jwt"), jwt=HS.jwt)) as served:
        local = await served.http.get("/api/me")
        assert local.json()["id"] == "local"
        alice = await served.http.get("/api/me", headers=token("read"))
        assert alice.json()["id"] == "alice"
        bad = await served.http.get("/api/me", headers=bearer("nope.nope.nope"))
        assert bad.status_code == 401


async def test_websockets_need_credentials_too(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        url = str(served.http.base_url).replace("http", "ws") + "/api/v1/ws"
        # Refused before the handshake completes (a close before accept is uvicorn's 403).
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url):
                pass
        assert refused.value.response.status_code == 403
        async with connect(url, additional_headers=token("read")) as socket:
            await socket.ping()

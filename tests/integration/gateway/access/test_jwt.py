"""JWT authentication: HS256 with a secret, RS256/ES256 with a JWKS file or URL, and every
bad token of issue 13's list answered 401 (problem+json, `WWW-Authenticate: Bearer`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_gateway.access.authn_options import AuthOptions, JwtOptions

from tests.integration.gateway.access.conftest import Gateway
from tests.integration.gateway.access.tokens import (
    AUDIENCE,
    ISSUER,
    OTHER_RSA_KEY,
    SECRET,
    bearer,
    es256,
    hs256,
    hs_with_rsa_public_key,
    jwks,
    rs256,
    unsigned,
)

HS = AuthOptions(modes=("jwt",), jwt=JwtOptions(secret=SECRET, issuer=ISSUER,
                                                 audience=AUDIENCE, leeway=5))


def assert_refused(response: httpx.Response, why: str) -> None:
    assert response.status_code == 401, (why, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), why
    assert response.headers["www-authenticate"].startswith("Bearer"), why
    body = response.json()
    assert body["status"] == 401, why
    assert body["title"] == "Unauthorized", why
    assert body["correlationId"] == response.headers["x-correlation-id"], why


async def me(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.get("/api/me", headers=bearer(token))


async def test_a_valid_hs256_token_is_its_subject(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        answer = await me(served.http, hs256())
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "id": "alice", "name": "Alice", "scopes": ["read", "write"], "auth_method": "jwt",
            "email": None, "auth": "jwt",
        }
        # No scope claim: read and write. A `scopes` list is read too.
        assert (await me(served.http, hs256(scope=None))).json()["scopes"] == ["read", "write"]
        listed = await me(served.http, hs256(scope=None, scopes=["read", "bogus"]))
        assert listed.json()["scopes"] == ["read"]
        # Within the leeway, an expiry just passed is still accepted.
        assert (await me(served.http, hs256(exp=int(time.time()) - 2))).status_code == 200


@pytest.mark.parametrize("why", [
    "no credentials", "not bearer", "garbage", "expired", "nbf in the future",
    "iat in the future", "wrong issuer", "no issuer", "wrong audience", "no audience",
    "no exp", "no sub", "alg none", "wrong secret", "RS256 without a JWKS",
    "reserved user", "user id with a newline",
])
async def test_every_bad_hs256_credential_is_a_401(gateway: Gateway, why: str) -> None:
    later = int(time.time()) + 3600
    headers = {
        "no credentials": {},
        "not bearer": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        "garbage": bearer("not.a.jwt"),
        "expired": bearer(hs256(exp=int(time.time()) - 60)),
        "nbf in the future": bearer(hs256(nbf=later)),
        "iat in the future": bearer(hs256(iat=later)),
        "wrong issuer": bearer(hs256(iss="https://evil.test")),
        "no issuer": bearer(hs256(iss=None)),
        "wrong audience": bearer(hs256(aud="someone-else")),
        "no audience": bearer(hs256(aud=None)),
        "no exp": bearer(hs256(exp=None)),
        "no sub": bearer(hs256(sub=None)),
        "alg none": bearer(unsigned()),
        "wrong secret": bearer(hs256(secret="another-secret-of-sufficient-length!")),
        "RS256 without a JWKS": bearer(rs256()),
        "reserved user": bearer(hs256(sub="local")),
        "user id with a newline": bearer(hs256(sub="alice\nVg-Admin: 1")),
    }[why]
    async with gateway(HS) as served:
        assert_refused(await served.http.get("/api/me", headers=headers), why)
        # The same credential on a public route: it answers (a probe needs no key).
        assert (await served.http.get("/api/health/live", headers=headers)).status_code == 200


@pytest.fixture
def jwks_file(tmp_path: Path) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks()))
    return path


@pytest.fixture
def jwks_url() -> Iterator[str]:
    """A JWKS served over HTTP on loopback, as an identity provider serves it."""
    body = json.dumps(jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("source", ["file", "url"])
async def test_rs256_and_es256_with_a_jwks(
    gateway: Gateway, source: str, jwks_file: Path, jwks_url: str
) -> None:
    auth = AuthOptions(modes=("jwt",), jwt=JwtOptions(
        jwks=str(jwks_file) if source == "file" else jwks_url, issuer=ISSUER, audience=AUDIENCE,
    ))
    async with gateway(auth) as served:
        for token in (rs256(), es256()):
            answer = await me(served.http, token)
            assert answer.status_code == 200, answer.text
            assert answer.json()["id"] == "alice"
        refusals = {
            "wrong key": rs256(key=OTHER_RSA_KEY),
            "unknown kid": rs256(kid="nobody"),
            "HS/RS confusion": hs_with_rsa_public_key(),
            "alg none": unsigned(),
            "HS256 with no secret configured": hs256(),
            "expired": es256(exp=int(time.time()) - 3600),
        }
        for why, token in refusals.items():
            assert_refused(await me(served.http, token), why)


async def test_the_hs_rs_confusion_fails_with_both_a_secret_and_a_jwks(
    gateway: Gateway, jwks_file: Path
) -> None:
    auth = AuthOptions(modes=("jwt",), jwt=JwtOptions(secret=SECRET, jwks=str(jwks_file),
                                                      issuer=ISSUER, audience=AUDIENCE))
    async with gateway(auth) as served:
        assert (await me(served.http, hs256())).status_code == 200
        assert (await me(served.http, rs256())).status_code == 200
        assert_refused(await me(served.http, hs_with_rsa_public_key()), "HS/RS confusion")

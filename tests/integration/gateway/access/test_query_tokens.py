"""Query tokens (`?access_token=`) for browser clients: minted by POST /api/me/tokens, they
stand for their minter on one exact path, on GET, HEAD and WebSocket only, until expiry;
a forged, altered, expired or misplaced one is a 401. And the token never reaches the app:
the middleware takes it out of the query string."""

from __future__ import annotations

import time

import httpx
import pytest
from videogen_contracts.identity import Principal
from videogen_gateway.access.authn import take_query_token
from videogen_gateway.access.authn_options import AuthOptions, JwtOptions
from videogen_gateway.access.query_tokens import QueryTokens, query_tokens_of
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.integration.gateway.access.conftest import Gateway
from tests.integration.gateway.access.tokens import SECRET, bearer, hs256, refused

HS = AuthOptions(modes=("jwt",), jwt=JwtOptions(secret=SECRET))


def alice() -> dict[str, str]:
    """Alice's credentials, made when used: a JWT made at import would expire (10 min) before
    a late test of a long run reaches it."""
    return bearer(hs256(iss=None, aud=None, scope="read write"))


async def mint(http: httpx.AsyncClient, path: str, **extra: object) -> str:
    answer = await http.post("/api/me/tokens", headers=alice(), json={"path": path, **extra})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["url"] == f"{http.base_url}{path}?access_token={body['token']}"
    expires = body["expires_at"]
    assert isinstance(expires, str)
    return str(body["token"])


async def test_a_token_opens_its_one_path_for_reading(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        http = served.http
        token = await mint(http, "/api/me")
        me = await http.get("/api/me", params={"access_token": token})
        assert me.status_code == 200, me.text
        assert me.json()["id"] == "alice"
        assert me.json()["auth_method"] == "token"
        assert me.json()["scopes"] == ["read", "write"]
        # Another path: refused, in that path's surface shape (doc 004's here).
        other = await http.get("/api/v1/jobs", params={"access_token": token})
        assert other.status_code == 401
        assert other.json() == {"error": "the access token was issued for another path"}
        refused(await http.get("/api/me/", params={"access_token": token}),
                "the access token was issued for another path")
        # Never on a write, even to its own path.
        refused(await http.post("/api/me/tokens", params={"access_token": token},
                                json={"path": "/api/me"}),
                "?access_token= is accepted on GET, HEAD and WebSocket requests only")


async def test_forged_altered_and_expired_tokens_are_refused(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        http = served.http
        token = await mint(http, "/api/me")
        payload, _, signature = token.rpartition(".")
        bob = Principal(id="bob", name="bob", scopes=("read",), method="jwt")
        tokens = query_tokens_of(served.runtime)
        bobs = tokens.issue(bob, "/api/me", int(time.time()) + 60)
        cases = {
            # alice's signature on bob's payload: the user cannot be swapped.
            "the access token is malformed or its signature is not valid": [
                f"{bobs.rpartition('.')[0]}.{signature}", f"{payload}.", "garbage",
                QueryTokens(b"another deployment's key").issue(bob, "/api/me",
                                                               int(time.time()) + 60),
            ],
            "the access token has expired; ask for a new one": [
                tokens.issue(bob, "/api/me", int(time.time()) - 1),
            ],
        }
        for detail, attempts in cases.items():
            for attempt in attempts:
                refused(await http.get("/api/me", params={"access_token": attempt}), detail)
        assert (await http.get("/api/me", params={"access_token": bobs})).json()["id"] == "bob"


async def test_a_token_lives_at_most_an_hour_and_names_a_plain_path(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        http = served.http
        for body in ({"path": "/api/me", "ttl_seconds": 3601}, {"path": "/api/me?x=1"},
                     {"path": "api/me"}, {"path": "/api/me", "ttl_seconds": 0}, {}):
            answer = await http.post("/api/me/tokens", headers=alice(), json=body)
            assert answer.status_code == 400, (body, answer.text)
        assert (await http.post("/api/me/tokens", json={"path": "/api/me"})).status_code == 401


async def test_a_websocket_takes_a_token_for_its_path(gateway: Gateway) -> None:
    async with gateway(HS) as served:
        base = str(served.http.base_url).replace("http", "ws")
        token = await mint(served.http, "/api/v1/ws")
        async with connect(f"{base}/api/v1/ws?access_token={token}") as socket:
            await socket.ping()
        elsewhere = await mint(served.http, "/api/me")
        with pytest.raises(InvalidStatus) as refusal:
            async with connect(f"{base}/api/v1/ws?access_token={elsewhere}"):
                pass
        assert refusal.value.response.status_code == 403


def test_the_token_is_taken_out_of_the_query_string() -> None:
    scope = {"query_string": b"a=1&access_token=abc.d%2Be&b=2&access_token=second"}
    assert take_query_token(scope) == "abc.d+e"  # type: ignore[arg-type]
    assert scope["query_string"] == b"a=1&b=2"
    untouched = {"query_string": b"a=1&not_access_token=x"}
    assert take_query_token(untouched) is None  # type: ignore[arg-type]
    assert untouched["query_string"] == b"a=1&not_access_token=x"

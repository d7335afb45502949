"""`GET /api/me` (who the caller is) and `POST /api/me/tokens` (a query token for one path).

`/api/me` is also doc 002's profile endpoint (the editor shows it): its `id, name, email,
auth` stay, beside `scopes` and `auth_method`. Minting a token needs only `read`: the token
works on GET, HEAD and WebSocket requests only, and it carries the minter's own scopes, so
it never grants more than the credential that asked for it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from videogen_contracts.identity import LOCAL_PRINCIPAL, AuthMethod, Principal, Scope

from videogen_gateway.access.authn_options import TOKEN_DEFAULT_TTL, TOKEN_MAX_TTL
from videogen_gateway.access.principal import principal_of
from videogen_gateway.access.query_tokens import QUERY_PARAMETER, query_tokens_of
from videogen_gateway.access.scopes import needs_scope
from videogen_gateway.openapi import problems
from videogen_gateway.runtime import runtime_of

# How doc 002's profile shows the local user of `VIDEOGEN_AUTH=none`.
LOCAL_NAME, LOCAL_EMAIL = "Local user", "local@localhost"


class MeOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    scopes: list[Scope]
    auth_method: AuthMethod
    # Doc 002's profile: its clients read these two.
    email: str | None
    auth: AuthMethod


class TokenIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # The one path the token opens: absolute, without query or fragment.
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=2048, pattern=r"^/[^?#\s]*$")]
    ttl_seconds: Annotated[int, msgspec.Meta(ge=1, le=TOKEN_MAX_TTL)] = TOKEN_DEFAULT_TTL


class TokenOut(msgspec.Struct, kw_only=True):
    token: str
    expires_at: datetime
    # The path with the token in its query, on this gateway.
    url: str


def profile_of(principal: Principal) -> MeOut:
    local = principal == LOCAL_PRINCIPAL
    return MeOut(
        id=principal.id, name=LOCAL_NAME if local else principal.name,
        scopes=list(principal.scopes), auth_method=principal.method,
        email=LOCAL_EMAIL if local else None, auth=principal.method,
    )


@get("/me", summary="The authenticated caller: id, name, scopes, auth method", cache=False,
     responses=problems(401, 403))
async def me(request: Request[Any, Any, Any]) -> MeOut:
    return profile_of(principal_of(request))


@post("/me/tokens", status_code=201, opt=needs_scope("read"),
      summary="A short-lived token for one path's query string (?access_token=): SSE,"
      " WebSocket and downloads in a browser", responses=problems(400, 401, 403))
async def mint_token(
    request: Request[Any, Any, Any], state: State, data: JSONBody[TokenIn]
) -> TokenOut:
    expires = int(time.time()) + data.ttl_seconds
    token = query_tokens_of(runtime_of(state)).issue(principal_of(request), data.path, expires)
    base = str(request.base_url).rstrip("/")
    return TokenOut(token=token, expires_at=datetime.fromtimestamp(expires, UTC),
                    url=f"{base}{data.path}?{QUERY_PARAMETER}={token}")


def me_router() -> Router:
    return Router("/api", route_handlers=[me, mint_token], tags=["identity"])

"""The admin endpoints of the API keys (issue 13), problem+json, admin only (route_opts).

`POST /api/admin/keys` creates a key and answers it, the only time it is ever shown;
`GET /api/admin/keys[?user=]` lists keys (never their hashes); `DELETE
/api/admin/keys/{key_id}` revokes one: 204, again 204 for a revoked key, 404 for an unknown
id. A key revoked here is refused by every replica within a second (authentication caches
a look-up for half a second at most).
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec
from litestar import Router, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter
from videogen_contracts.identity import SCOPES, Scope
from videogen_contracts.project.api_keys import (
    KEY_ID_PATTERN,
    KEY_NAME_MAX,
    KEY_NAME_PATTERN,
    USER_MAX,
    USER_PATTERN,
)

from videogen_gateway.access.key_admin import CreatedKey, create_key, revoke_key
from videogen_gateway.access.route_opts import ADMIN_ONLY
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import ApiError, Rejected
from videogen_gateway.openapi import problems
from videogen_gateway.readmodels.api_keys.queries import ApiKeyListed, ApiKeyQueries
from videogen_gateway.runtime import Runtime, runtime_of

_KEY_ID = re.compile(KEY_ID_PATTERN)



class NewKeyBody(msgspec.Struct, frozen=True, kw_only=True):
    user: Annotated[str, msgspec.Meta(min_length=1, max_length=USER_MAX, pattern=USER_PATTERN)]
    name: Annotated[
        str, msgspec.Meta(max_length=KEY_NAME_MAX, pattern=KEY_NAME_PATTERN)
    ] | None = None
    # Default: read and write (identity.DEFAULT_SCOPES).
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=len(SCOPES))] | None = (
        None
    )


def refusal(refused: CommandRefused) -> Rejected:
    rejection = refused.rejection
    return Rejected(rejection, rejection.field, rejection.message)


def _queries(rt: Runtime) -> ApiKeyQueries:
    return ApiKeyQueries(rt.pool, rt.schema)


@post("/keys", status_code=201, summary="Create an API key (the answer shows it, once)",
      responses=problems(400, 413, 503))
async def create_api_key(state: State, data: JSONBody[NewKeyBody]) -> CreatedKey:
    try:
        return await create_key(runtime_of(state).dispatcher, data.user, data.name or "",
                                data.scopes)
    except CommandRefused as refused:
        raise refusal(refused) from None


@get("/keys", summary="List API keys (every user's, or one user's)", cache=False,
     responses=problems(400, 503))
async def list_api_keys(
    state: State,
    user: Annotated[str | None, QueryParameter(
        required=False, min_length=1, max_length=USER_MAX, pattern=USER_PATTERN,
        description="only this user's keys",
    )] = None,
) -> list[ApiKeyListed]:
    return await _queries(runtime_of(state)).list_keys(user)


@delete("/keys/{key_id:str}", status_code=204, summary="Revoke an API key",
        responses=problems(404, 503))
async def revoke_api_key(state: State, key_id: FromPath[str]) -> None:
    if not _KEY_ID.fullmatch(key_id):
        raise ApiError(404, f"api key {key_id} not found")
    try:
        await revoke_key(runtime_of(state).dispatcher, key_id)
    except CommandRefused as refused:
        raise refusal(refused) from None


def admin_keys_router() -> Router:
    return Router("/api/admin", route_handlers=[create_api_key, list_api_keys, revoke_api_key],
                  opt=ADMIN_ONLY, tags=["admin"])

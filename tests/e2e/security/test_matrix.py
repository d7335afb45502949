"""The authorisation matrix, generated from the live `/schema`: every operation x {no
credentials, wrong user, owner, admin}, each with its expected status.

- no credentials: 401 with `WWW-Authenticate: Bearer`, in the surface's error shape, except
  the PUBLIC operations;
- the wrong user (B): 404 for every operation with one of A's ids in its path, in the
  surface's shape, and the same answer as an unknown id of that kind gets (a 404 must not
  tell "exists, not yours" from "does not exist"); 403 on admin-only operations; anything
  but 401/403 elsewhere, and no id of A's anywhere in what it answers (lists, feeds);
- the owner (A) and the admin: anything but 401/403/404 (the owner gets 403 on
  admin-only operations), and the owner's lists hold A's ids.

Bodies are `[]` (a JSON array where every endpoint takes an object), so an operation that
passes the guard answers a validation error and starts nothing; the guard runs before any
body is read, so what it decides is what the matrix sees. An operation whose path parameter
has no row in matrix_table.PARAMS fails the test: a new endpoint must join the matrix.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.security.answers import Answer, error_shape, message_of, send
from tests.e2e.security.conftest import bearer
from tests.e2e.security.matrix_table import (
    ADMIN_ONLY,
    CLIENT_NAMED,
    DESTRUCTIVE,
    NOT_IDS,
    OWNER_LISTS,
    PARAMS,
    PUBLIC,
    QUERIES,
    Operation,
    operations,
    unknown_like,
)
from tests.e2e.security.spares import spare_values
from tests.e2e.security.world import World

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

ROLES = ("none", "wrong_user", "owner", "admin")
WHO = {"wrong_user": "bob", "owner": "alice", "admin": "admin"}


@pytest.fixture(scope="module")
async def schema(secure_stack: Stack) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=secure_stack.base_url, timeout=60) as api:
        response = await api.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def values_of(op: Operation, world: World) -> dict[str, str]:
    values = {}
    for name in op.params:
        row = op.row(name)
        assert row is not None, f"{op.method} {op.path}: {name!r} is not in the matrix"
        values[name] = getattr(world, PARAMS[row]) if row in PARAMS else NOT_IDS[row]
    return values


async def test_every_operation_is_in_the_matrix(schema: dict[str, Any]) -> None:
    ops = operations(schema)
    missing = [f"{op.method} {op.path}: {name}" for op in ops for name in op.params
               if op.row(name) is None]
    assert not missing, "path parameters missing from matrix_table.PARAMS/NOT_IDS:\n" + \
        "\n".join(missing)
    known = {op.key for op in ops}
    stale = sorted((PUBLIC | ADMIN_ONLY | DESTRUCTIVE) - known)
    assert not stale, f"the matrix names operations /schema does not have: {stale}"
    assert len(ops) >= 90, len(ops)  # all five surfaces are there


@pytest.mark.parametrize("role", ROLES)
async def test_matrix(
    role: str, schema: dict[str, Any], world: World, keys: dict[str, dict[str, str]],
    client: httpx.AsyncClient,
) -> None:
    headers = bearer(keys[WHO[role]]["key"]) if role in WHO else {}
    alice = httpx.AsyncClient(base_url=str(client.base_url), headers=bearer(keys["alice"]["key"]))
    admin = httpx.AsyncClient(base_url=str(client.base_url), headers=bearer(keys["admin"]["key"]))
    failures: list[str] = []
    async with alice, admin:
        for op in operations(schema):
            values = values_of(op, world)
            if op.key in DESTRUCTIVE and role in ("owner", "admin"):
                values |= await spare_values(op, ROLES.index(role) - 2, world, alice, admin)
            query = getattr(world, QUERIES[op.key]) if op.key in QUERIES else ""
            answer = await send(client, op.method, op.url(values, query), headers=headers,
                                body=b"[]" if op.has_body else None)
            failure = CHECKS[role](op, answer, world)
            compare = role == "wrong_user" and answer.status == 404 and not op.has_body
            if failure is None and compare:
                failure = await _same_as_unknown(op, answer, values, admin)
            if failure:
                failures.append(failure)
    assert not failures, f"{role}: {len(failures)} operations answer wrongly:\n" + \
        "\n".join(failures)


def _no_credentials(op: Operation, answer: Answer, world: World) -> str | None:
    if op.public:
        return None if answer.status < 400 else f"public, yet {answer}"
    if answer.status != 401:
        return f"expected 401: {answer}"
    if not answer.headers.get("www-authenticate", "").startswith("Bearer"):
        return f"401 without WWW-Authenticate: Bearer: {answer}"
    return error_shape(answer, problem=op.problem_shape)


def _wrong_user(op: Operation, answer: Answer, world: World) -> str | None:
    if answer.status >= 500:
        return f"5xx: {answer}"
    if op.key in ADMIN_ONLY:
        return None if answer.status == 403 else f"admin only, expected 403: {answer}"
    if op.has_ids:
        if answer.status != 404:
            return f"another user's id, expected 404: {answer}"
        return error_shape(answer, problem=op.problem_shape)
    if answer.status in (401, 403, 404):
        return f"B is a user like any other here: {answer}"
    leaked = sorted(i for i in world.ids() if i in answer.text)
    return f"B sees A's ids {leaked}: {answer}" if leaked else None


def _owner(op: Operation, answer: Answer, world: World) -> str | None:
    if op.key in ADMIN_ONLY:
        return None if answer.status == 403 else f"admin only, expected 403: {answer}"
    failure = _allowed(op, answer, world)
    if failure is None and op.method == "GET" and op.path in OWNER_LISTS:
        mine = getattr(world, OWNER_LISTS[op.path])
        if mine not in answer.text:
            return f"the owner's list lacks {mine}: {answer}"
    return failure


def _allowed(op: Operation, answer: Answer, world: World) -> str | None:
    if answer.status >= 500 or answer.status in (401, 403, 404):
        return f"expected to pass the guard: {answer}"
    return None


CHECKS = {"none": _no_credentials, "wrong_user": _wrong_user, "owner": _owner,
          "admin": _allowed}


async def _same_as_unknown(
    op: Operation, answer: Answer, values: dict[str, str], admin: httpx.AsyncClient
) -> str | None:
    """B's 404 for A's id must read as the admin's 404 for an id that does not exist."""
    unknown = {name: unknown_like(value) for name, value in values.items()}
    other = await send(admin, op.method, op.url(unknown))
    if other.status != 404 and op.key in CLIENT_NAMED:
        return None  # a free name is not unknown: docs/security.md, "names a client chooses"
    if other.status != 404:
        return f"an unknown id is not a 404 for the admin: {other}"
    mine, theirs = message_of(answer), message_of(other)
    for name, value in values.items():
        mine, theirs = mine.replace(value, "<id>"), theirs.replace(unknown[name], "<id>")
    if (mine, answer.content_type) != (theirs, other.content_type):
        return f"B's 404 differs from an unknown id's: {mine!r} vs {theirs!r}"
    return None

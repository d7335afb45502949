"""Reads of the `api_keys` read model: authentication's look-up by hash, and the admin lists.

`key_by_hash` is what the authentication middleware calls for a presented key (hash it with
`videogen_contracts.project.api_keys.key_hash`); it answers revoked keys too, with their
`revoked_at`, so the caller can tell "revoked" from "unknown". No row ever carries the hash
out of this module but the one matched.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec
from videogen_contracts.identity import Scope
from videogen_eventstore.migrations import check_schema_name, quote_ident
from videogen_gateway.readmodels.queries import Queries, columns


class ApiKeyRow(msgspec.Struct, frozen=True, kw_only=True):
    """One key as authentication sees it (no hash: the caller has just presented the key)."""

    key_id: str
    user_id: str
    name: str
    scopes: tuple[Scope, ...]
    revoked_at: datetime | None


class ApiKeyListed(msgspec.Struct, frozen=True, kw_only=True):
    """One key as the admin lists (endpoint and CLI) show it."""

    key_id: str
    user: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    revoked_at: datetime | None


def _row(scopes: list[Scope], **values: object) -> ApiKeyRow:
    return msgspec.convert({**values, "scopes": tuple(scopes)}, ApiKeyRow)


def _listed(scopes: list[Scope], **values: object) -> ApiKeyListed:
    return msgspec.convert({**values, "scopes": tuple(scopes)}, ApiKeyListed)


async def key_by_hash(pool: asyncpg.Pool, schema: str, key_hash: str) -> ApiKeyRow | None:
    """The key whose sha256 is `key_hash` (revoked or not); None when there is none."""
    q = quote_ident(check_schema_name(schema))
    record = await pool.fetchrow(
        f"SELECT {columns(ApiKeyRow)} FROM {q}.api_keys WHERE key_hash = $1", key_hash
    )
    return None if record is None else _row(**record)


class ApiKeyQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        select = (f"SELECT key_id, user_id AS \"user\", name, scopes, created_at, revoked_at"
                  f" FROM {self.q}.api_keys")
        order = " ORDER BY created_at, key_id"
        self._all = select + order
        self._of_user = select + " WHERE user_id = $1" + order
        self._one = select + " WHERE key_id = $1"

    async def list_keys(self, user: str | None = None) -> list[ApiKeyListed]:
        if user is None:
            return await self.all(self._all, _listed)
        return await self.all(self._of_user, _listed, user)

    async def get_key(self, key_id: str) -> ApiKeyListed | None:
        return await self.one(self._one, _listed, key_id)

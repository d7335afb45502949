"""`apply_api_key_event`: the ApiKey events into `api_keys`, inside the project projector's
transaction (its ordering and tracking checks make every event arrive once and in order;
the statements are idempotent anyway, so a replay of the log rebuilds the same rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from videogen_contracts.project.api_keys import ApiKeyCreated, ApiKeyEvent, ApiKeyRevoked

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


async def apply_api_key_event(conn: Conn, q: str, event: ApiKeyEvent) -> None:
    """Apply one ApiKey event; `q` is the quoted schema."""
    match event:
        case ApiKeyCreated():
            await conn.execute(
                f"INSERT INTO {q}.api_keys (key_id, user_id, name, scopes, key_hash, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_id) DO NOTHING",
                event.key_id, event.user, event.name, list(event.scopes), event.key_hash,
                event.created_at,
            )
        case ApiKeyRevoked():
            # The first revocation's time stays (a revoked key is never revoked again).
            await conn.execute(
                f"UPDATE {q}.api_keys SET revoked_at = coalesce(revoked_at, $2)"
                " WHERE key_id = $1",
                event.key_id, event.revoked_at,
            )
        case _:
            assert_never(event)

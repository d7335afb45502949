"""Creating and revoking API keys: what the admin endpoints (key_routes.py) and the CLI
(keys_cli.py) both do, on the project service's ApiKey aggregate.

The key is minted here, in the gateway's process, and only its hash is sent: the key
leaves this module once, in the answer to its creator. Both wait until the read models show
the change (read-your-writes): a created key authenticates, and a revoked one is refused,
on this deployment as soon as the call returns (every replica reads the same table).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from videogen_contracts.identity import DEFAULT_SCOPES, Scope
from videogen_contracts.project.api_keys import CreateApiKey, RevokeApiKey, mint_key
from videogen_contracts.project.events import SERVICE, Timestamp
from videogen_contracts.replies import CommandRejected

from videogen_gateway.access.credentials import RESERVED_USERS
from videogen_gateway.command_client import CommandRefused, Dispatcher, stamped


class CreatedKey(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a creation: the only time `key` is ever shown."""

    key_id: str
    key: str
    user: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: Timestamp

    def __repr__(self) -> str:
        return f"CreatedKey(key_id={self.key_id!r}, user={self.user!r}, key=<hidden>)"


def scopes_of(asked: Iterable[Scope] | None) -> tuple[Scope, ...]:
    """The scopes asked for, in the order given and without repeats; the default if none."""
    return tuple(dict.fromkeys(asked)) if asked is not None else DEFAULT_SCOPES


async def create_key(
    dispatcher: Dispatcher, user: str, name: str = "", scopes: Iterable[Scope] | None = None
) -> CreatedKey:
    """Mint a key for `user` and record it; raises CommandRefused for a bad input."""
    if user in RESERVED_USERS:
        # Authentication would never take the key (credentials.py): refuse to make it.
        raise CommandRefused(CommandRejected(
            code="invalid", field="user", message=f"user {user!r} is reserved"))
    minted = mint_key()
    command = stamped(
        CreateApiKey, key_id=minted.key_id, user=user, name=name, scopes=scopes_of(scopes),
        key_hash=minted.key_hash,
    )
    await dispatcher.send_and_wait(SERVICE, "create_api_key", command)
    return CreatedKey(
        key_id=minted.key_id, key=minted.key, user=command.user, name=command.name,
        scopes=command.scopes, created_at=command.now,
    )


async def revoke_key(dispatcher: Dispatcher, key_id: str) -> None:
    """Revoke `key_id` (a revoked key stays revoked: no error); CommandRefused if unknown."""
    await dispatcher.send_and_wait(SERVICE, "revoke_api_key", stamped(RevokeApiKey, key_id=key_id))

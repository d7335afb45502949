"""Who a request or a command acts for (issue 13: authentication and ownership).

The gateway authenticates a caller into a `Principal`; every command it sends carries the
principal's `Actor` in NATS headers (videogen_bus.actor), and the services stamp the actor
as the `owner` of every stream it creates (`EventMetadata.owner`). A stream's owner is the
owner of its first event; a command whose actor is another user (and not an admin) is
refused as if the stream did not exist. docs/security.md has the whole model.
"""

from __future__ import annotations

from typing import Literal

import msgspec

# The scopes a key or a token may hold. `read` and `write` are a user's own resources;
# `admin` sees and changes everyone's, and manages the API keys.
Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
DEFAULT_SCOPES: tuple[Scope, ...] = ("read", "write")

AuthMethod = Literal["none", "apikey", "jwt", "token"]

# The one user of a gateway that runs without authentication (`VIDEOGEN_AUTH=none`, on a
# loopback address only). It is an admin: a laptop's user sees everything, as before.
LOCAL_USER = "local"


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The user a command acts for, as it travels to the services. `admin` may act on any
    user's streams (what it creates is still its own)."""

    user: str
    admin: bool = False


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """An authenticated caller of the gateway (`GET /api/me` shows it)."""

    id: str
    name: str
    scopes: tuple[Scope, ...]
    method: AuthMethod

    @property
    def admin(self) -> bool:
        return "admin" in self.scopes

    def actor(self) -> Actor:
        return Actor(user=self.id, admin=self.admin)


LOCAL_PRINCIPAL = Principal(id=LOCAL_USER, name=LOCAL_USER, scopes=SCOPES, method="none")

"""The user a command acts for, bound per request or message like the correlation id.

The gateway binds the authenticated principal's actor around a request; a worker binds the
`owner` of the event it reacts to. `command_headers` copies the bound actor into every
command it sends (`Vg-User`, `Vg-Admin`), and a service binds the actor from those headers
while it handles the command, so the kernel (videogen_eventstore.decider) can stamp and
check ownership without any handler passing the user along. Nothing bound: the system
itself (an internal worker of a stream with no owner), which may act on any stream.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from videogen_contracts.identity import Actor

USER = "Vg-User"
ADMIN = "Vg-Admin"

_actor: ContextVar[Actor | None] = ContextVar("videogen_actor", default=None)


def current_actor() -> Actor | None:
    return _actor.get()


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[None]:
    """Everything inside acts for `actor` (None: for the system)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def actor_headers(actor: Actor | None) -> dict[str, str]:
    if actor is None:
        return {}
    headers = {USER: actor.user}
    if actor.admin:
        headers[ADMIN] = "1"
    return headers


def actor_of(headers: Mapping[str, str] | None) -> Actor | None:
    user = headers.get(USER) if headers else None
    if not user:
        return None
    return Actor(user=user, admin=(headers or {}).get(ADMIN) == "1")


def owner_actor(owner: str | None) -> Actor | None:
    """The actor a worker reacting to an event of `owner`'s stream acts as."""
    return Actor(user=owner) if owner else None

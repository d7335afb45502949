"""What a request's credentials come to: a principal, or the reason there is none.

The authentication middleware (authn.py) never answers a request itself. A request whose
credentials fail is the `ANONYMOUS` principal with the reason kept in its scope; the guard
(scopes.py) then answers 401 with that reason, unless the route is public. So every error
is written by the app's own handlers, in its surface's shape, with the correlation id,
and a probe with a stale key still reaches /api/health/live.
"""

from __future__ import annotations

from litestar.types import Scope
from videogen_contracts.identity import LOCAL_USER, Principal

from videogen_gateway.errors import ApiError

# No credentials (or failed ones): no scope at all, so only public routes answer it. Its
# actor is a user of its own (never the system), should a public route ever send a command.
ANONYMOUS = Principal(id="anonymous", name="anonymous", scopes=(), method="none")
# User ids no credential may claim: the local user of `VIDEOGEN_AUTH=none`, and anonymous.
RESERVED_USERS = frozenset({LOCAL_USER, ANONYMOUS.id})
USER_ID_MAX = 200

REFUSAL_KEY = "videogen.authn_refusal"
# An outage (database, NATS) that kept a credential from being checked: the guard re-raises
# it inside the app, where it becomes the surface's 503.
OUTAGE_KEY = "videogen.authn_outage"
CHALLENGE = "Bearer"
INVALID_CHALLENGE = 'Bearer error="invalid_token"'


class Unauthenticated(Exception):
    """Credentials that do not authenticate; the message says why, and never holds them."""


def refuse(scope: Scope, reason: str) -> Principal:
    scope[REFUSAL_KEY] = reason  # type: ignore[literal-required]
    return ANONYMOUS


def unauthorized(scope: Scope) -> ApiError:
    """The 401 of a request that reached a private route as ANONYMOUS."""
    reason = scope.get(REFUSAL_KEY)
    if isinstance(reason, str):
        return ApiError(401, reason, headers={"WWW-Authenticate": INVALID_CHALLENGE})
    return ApiError(
        401, "authentication required: send Authorization: Bearer <API key or token>",
        headers={"WWW-Authenticate": CHALLENGE},
    )


def valid_user_id(user: object) -> str:
    """A user id a credential names: a short printable string (it travels in NATS headers
    and is stored as an owner), not a reserved one."""
    if not isinstance(user, str) or not user or len(user) > USER_ID_MAX:
        raise Unauthenticated("the credential names no valid user")
    if not user.isprintable() or user != user.strip():
        raise Unauthenticated("the credential's user id has characters a user id cannot")
    if user in RESERVED_USERS:
        raise Unauthenticated(f"the user id {user!r} is reserved")
    return user

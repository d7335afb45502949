"""The scope a route needs, and the 401 of a caller without credentials (route_opts.py says
the rule: public routes need nothing, admin-only ones `admin`, others `read` for GET, HEAD
and WebSocket, `write` for the rest; `admin` holds every scope)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler
from videogen_contracts.identity import Principal, Scope

from videogen_gateway.access.credentials import ANONYMOUS, OUTAGE_KEY, unauthorized
from videogen_gateway.access.route_opts import is_admin_only, is_public
from videogen_gateway.errors import ApiError

_READING = frozenset({"GET", "HEAD", "OPTIONS"})
_SCOPE_OPT = "scope"


def needs_scope(scope: Scope) -> dict[str, Any]:
    """A route's `opt=` naming the scope it needs, where its method's would be wrong."""
    return {_SCOPE_OPT: scope}


def require_scope(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise 401 for no (or failed) credentials, 403 when the principal lacks the scope."""
    opt = handler.opt
    if is_public(opt):
        return
    outage = connection.scope.get(OUTAGE_KEY)
    if isinstance(outage, Exception):
        raise outage
    if principal == ANONYMOUS:
        raise unauthorized(connection.scope)
    needed = "admin" if is_admin_only(opt) else opt.get(_SCOPE_OPT) or needed_scope(connection)
    if not has_scope(principal, needed):
        raise ApiError(403, f"this needs the {needed!r} scope, which the credential lacks")


def needed_scope(connection: ASGIConnection[Any, Any, Any, Any]) -> Scope:
    if connection.scope["type"] == ScopeType.WEBSOCKET:
        return "read"
    return "read" if connection.scope.get("method") in _READING else "write"


def has_scope(principal: Principal, scope: Scope) -> bool:
    return scope in principal.scopes or principal.admin

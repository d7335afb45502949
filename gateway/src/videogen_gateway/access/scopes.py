"""The scope a route needs (owned by the authentication work; route_opts.py says the rule)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from videogen_contracts.identity import Principal


def require_scope(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise 403 when the principal lacks the route's scope. (To be written: issue 13.)"""

"""Every id in a route's path must belong to the caller (owned by the isolation work)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from videogen_contracts.identity import Principal


async def require_owned(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise 404 in the surface's shape when a path id is another user's. (Issue 13.)"""

"""The abuse limits of expensive operations (owned by the abuse-limits work)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from videogen_contracts.identity import Principal


async def admit(
    principal: Principal, connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
) -> None:
    """Raise 429 with Retry-After past a limit. (Issue 13.)"""

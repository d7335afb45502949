"""Infrastructure failures are 503s with `Retry-After`, in each surface's own error shape.

PostgreSQL down, restarting or hung, NATS disconnected or without responders: none of that
is the client's fault nor a bug, and all of it passes. A handler that hits one gets the
answer the surface gives when a service is unavailable (its `ServiceUnavailable` handler:
doc 004's `{"error": ...}`, Aura's RFC 7807, problem+json elsewhere), never a 500. Every 503
carries `Retry-After`, whichever handler wrote it (added by the request observer,
observability.py, which sees every response start anyway).

Bounded time: the pool gives up on acquire, connect and each statement after a few seconds
(videogen_eventstore.pool), so a paused database turns into these 503s, not into requests
that wait and pile up.
"""

from __future__ import annotations

import traceback
from typing import Any

import nats.errors
import structlog
from litestar import Request, Response
from litestar.types import ExceptionHandlersMap
from videogen_bus.rpc import ServiceUnavailable
from videogen_eventstore.db import DATABASE_FAILURES
from videogen_runtime.outages import INFRASTRUCTURE_FAILURES

from videogen_gateway.errors import on_unavailable

log = structlog.get_logger("videogen_gateway.unavailable")


def dependency_of(exc: Exception) -> str:
    if isinstance(exc, DATABASE_FAILURES):
        return "database"
    if isinstance(exc, nats.errors.Error):
        return "messaging"
    # A bare OSError (refused, reset, timed out): whose client raised it says whose it was.
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("asyncpg"):
            return "database"
        if module.startswith("nats"):
            return "messaging"
    return "database or messaging"


def on_infrastructure_failure(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    dependency = dependency_of(exc)
    log.warning("dependency.unavailable", dependency=dependency, error=repr(exc),
                path=request.url.path)
    unavailable = ServiceUnavailable(dependency, request.url.path, repr(exc))
    handlers = request.route_handler.resolve_exception_handlers()
    for cls in ServiceUnavailable.__mro__:
        handler = handlers.get(cls)
        if handler is not None and handler is not on_infrastructure_failure:
            return handler(request, unavailable)  # the surface's own 503 shape
    return on_unavailable(request, unavailable)


UNAVAILABLE_HANDLERS: ExceptionHandlersMap = {
    cls: on_infrastructure_failure for cls in INFRASTRUCTURE_FAILURES
}

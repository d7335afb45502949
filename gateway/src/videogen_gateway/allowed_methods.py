"""The `Allow` of an OPTIONS answer: every method of the path.

Litestar answers OPTIONS by itself, with a handler it makes for a path's route when the
path's first handler is registered, and keeps when the route is rebuilt with the next
handlers: so for `/api/v1/projects` (GET, then POST) it says `Allow: GET, OPTIONS`, while
its own 405 for the same path names every method. The app's `before_request` hook answers
OPTIONS here instead, from the route the request matched.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT


async def answer_options(request: Request[Any, Any, Any]) -> Response[None] | None:
    """The app's `before_request`: None (go on to the handler) for anything but OPTIONS."""
    if request.method != "OPTIONS":
        return None
    template = request.scope.get("path_template")
    methods = next(
        (route.methods for route in request.app.routes
         if isinstance(route, HTTPRoute) and route.path_format == template),
        {"OPTIONS"},
    )
    return Response(None, status_code=HTTP_204_NO_CONTENT,
                    headers={"Allow": ", ".join(sorted(methods))})

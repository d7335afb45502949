"""The one guard of every route (the app's `guards=`): scope, ownership, then the abuse
limits, in that order, before a body is read or a handler runs.

The authentication middleware (authn.py) has already turned the credentials into the
request's principal, or answered 401. The order matters: a caller who may not touch a
resource learns nothing about it (ownership answers 404 before any limit or validation
can say more), and a request refused for ownership costs no rate-limit token.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from videogen_gateway.access.limits import admit
from videogen_gateway.access.ownership import require_owned
from videogen_gateway.access.principal import principal_of
from videogen_gateway.access.scopes import require_scope


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    principal = principal_of(connection)
    require_scope(principal, connection, handler)
    await require_owned(principal, connection, handler)
    await admit(principal, connection, handler)

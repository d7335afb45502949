"""The authenticated caller of a request, as the authentication middleware (authn.py)
leaves it in the ASGI scope for the guard (guard.py) and the handlers."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import Scope
from videogen_contracts.identity import LOCAL_PRINCIPAL, Principal

PRINCIPAL_KEY = "videogen.principal"


def set_principal(scope: Scope, principal: Principal) -> None:
    scope[PRINCIPAL_KEY] = principal  # type: ignore[literal-required]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The request's principal. A scope the middleware did not see (a unit test's app)
    acts as the local user, which is what `VIDEOGEN_AUTH=none` means."""
    principal = connection.scope.get(PRINCIPAL_KEY)
    return principal if isinstance(principal, Principal) else LOCAL_PRINCIPAL

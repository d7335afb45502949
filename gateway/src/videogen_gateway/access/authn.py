"""The authentication middleware: credentials → the request's principal, around every HTTP
and WebSocket request (app.py calls it outside Litestar's routing, like the observer).

The principal is left in the ASGI scope (principal.py) for the guard and the handlers, and
its actor is bound for the whole request, so every command the request sends carries the
user (videogen_bus.actor). Nothing is answered here: failed credentials become ANONYMOUS
with a reason, which the guard turns into a 401 on a private route (credentials.py says
why). An outage while a key is looked up is kept and re-raised by the guard, so it is the
surface's 503, as anywhere else.

`VIDEOGEN_AUTH=none` alone: every request is the local user, whatever it sends (as before
this existed). With `apikey`/`jwt`: `Authorization: Bearer <key or JWT>`, `X-API-Key:
<key>`, or on GET/HEAD/WebSocket a query token (`?access_token=`, query_tokens.py); with
`none` among them, a request without credentials is the local user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send
from videogen_bus.actor import acting_as
from videogen_contracts.identity import LOCAL_PRINCIPAL, Principal
from videogen_runtime.outages import INFRASTRUCTURE_FAILURES

from videogen_gateway.access.api_key_auth import ApiKeyVerifier, looks_like_key
from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.access.credentials import ANONYMOUS, OUTAGE_KEY, Unauthenticated, refuse
from videogen_gateway.access.jwt_auth import JwtVerifier
from videogen_gateway.access.principal import set_principal
from videogen_gateway.access.query_tokens import QUERY_PARAMETER, QueryTokens, query_tokens_of
from videogen_gateway.readmodels.api_keys.queries import key_by_hash
from videogen_gateway.runtime import Runtime, runtime_of

STATE_KEY = "authn"
_TOKEN_PREFIX = QUERY_PARAMETER.encode() + b"="
_TOKEN_METHODS = ("GET", "HEAD")


@dataclass(frozen=True, slots=True)
class Authenticator:
    options: AuthOptions
    keys: ApiKeyVerifier | None
    jwts: JwtVerifier | None
    tokens: Callable[[], QueryTokens]

    @classmethod
    def of(cls, rt: Runtime) -> Authenticator:
        auth = rt.options.auth
        return cls(
            options=auth,
            keys=ApiKeyVerifier(lambda digest: key_by_hash(rt.pool, rt.schema, digest))
            if "apikey" in auth.modes else None,
            jwts=JwtVerifier(auth.jwt) if "jwt" in auth.modes else None,
            tokens=lambda: query_tokens_of(rt),
        )

    async def principal_for(self, scope: Scope) -> Principal:
        token = take_query_token(scope)
        if self.options.only_none:
            return LOCAL_PRINCIPAL
        try:
            credential = header_credential(scope)
            if credential is not None:
                return await self._by_credential(*credential)
            if token is not None:
                return self._by_token(scope, token)
        except Unauthenticated as exc:
            return refuse(scope, str(exc))
        except INFRASTRUCTURE_FAILURES as exc:
            scope[OUTAGE_KEY] = exc  # type: ignore[literal-required]
            return ANONYMOUS
        return LOCAL_PRINCIPAL if self.options.open else ANONYMOUS

    async def _by_credential(self, credential: str, api_key_header: bool) -> Principal:
        if api_key_header or looks_like_key(credential) or self.jwts is None:
            if self.keys is None:
                raise Unauthenticated("API keys are not accepted by this gateway; send a JWT")
            return await self.keys.principal(credential)
        return await self.jwts.principal(credential)

    def _by_token(self, scope: Scope, token: str) -> Principal:
        if scope["type"] != ScopeType.WEBSOCKET and scope.get("method") not in _TOKEN_METHODS:
            raise Unauthenticated(
                f"?{QUERY_PARAMETER}= is accepted on GET, HEAD and WebSocket requests only"
            )
        return self.tokens().principal(token, scope["path"], time.time())


def header_credential(scope: Scope) -> tuple[str, bool] | None:
    """The credential of `Authorization: Bearer` or `X-API-Key` (and whether it came in
    the latter, which holds API keys only), or None when neither is sent."""
    bearer = api_key = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, rest = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() != "bearer" or not rest.strip():
                raise Unauthenticated("the Authorization header must be 'Bearer <credential>'")
            bearer = rest.strip()
        elif name == b"x-api-key":
            api_key = value.decode("latin-1").strip()
    if bearer is not None and api_key is not None and bearer != api_key:
        raise Unauthenticated("send one credential: Authorization or X-API-Key, not both")
    if bearer is not None:
        return bearer, False
    return (api_key, True) if api_key is not None else None


def take_query_token(scope: Scope) -> str | None:
    """The query token, taken out of the query string: from here on no handler, error or
    log line that shows the URL can show the token."""
    query: bytes = scope.get("query_string", b"")
    if _TOKEN_PREFIX not in query:
        return None
    kept: list[bytes] = []
    tokens: list[bytes] = []
    for item in query.split(b"&"):
        (tokens if item.startswith(_TOKEN_PREFIX) else kept).append(item)
    scope["query_string"] = b"&".join(kept)
    if not tokens:
        return None
    return unquote_plus(tokens[0][len(_TOKEN_PREFIX):].decode("latin-1"))


def authenticator_of(state: State) -> Authenticator | None:
    """The app's authenticator, made from its runtime's options on first use (so an app
    built around a Runtime by hand, as unit tests do, authenticates like the real one).
    None for an app with no runtime (a unit test's app of routes that need none): its
    requests are the local user (principal.py), which is what it had before."""
    authenticator = state.get(STATE_KEY)
    if isinstance(authenticator, Authenticator):
        return authenticator
    if not isinstance(state.get("runtime"), Runtime):
        return None
    authenticator = state[STATE_KEY] = Authenticator.of(runtime_of(state))
    return authenticator


async def authenticated(state: State, app: ASGIApp, scope: Scope, receive: Receive,
                        send: Send) -> None:
    """Run `app` for the request's principal, acting as its user."""
    authenticator = authenticator_of(state)
    if authenticator is None:
        await app(scope, receive, send)
        return
    principal = await authenticator.principal_for(scope)
    set_principal(scope, principal)
    with acting_as(principal.actor()):
        await app(scope, receive, send)

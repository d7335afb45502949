"""Short-lived signed tokens for the query string (`?access_token=`), for browser clients.

An EventSource, a `<video>` element or a WebSocket cannot send an Authorization header, so
`POST /api/me/tokens` mints a token for one path; it stands for its minter on that exact
path only, on GET, HEAD and WebSocket requests only, until it expires (at most an hour).
The token is `<payload>.<signature>`: the payload is base64url JSON of the user, name,
scopes, path and expiry, signed like the editor's upload URLs (surfaces/editor/
upload_tokens.py) with a key every replica shares (`VIDEOGEN_TOKEN_KEY`, else
`<data dir>/token.key`). It is checked by its signature before anything in it is believed.
The middleware takes it out of the query string before the app sees it, so no log, error
or echoed URL can show it.
"""

from __future__ import annotations

import base64
import hmac
from functools import cache
from pathlib import Path

import msgspec
from videogen_contracts.identity import Principal, Scope

from videogen_gateway.access.credentials import Unauthenticated, valid_user_id
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.editor.upload_tokens import signature
from videogen_gateway.system.sealing import key_from_file

KEY_FILE = "token.key"
QUERY_PARAMETER = "access_token"


class TokenClaims(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    u: str  # user id
    n: str  # name
    s: tuple[Scope, ...]
    p: str  # the one path it opens
    e: int  # expiry, unix seconds


class QueryTokens:
    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_option(cls, configured: str | None, data_dir: Path) -> QueryTokens:
        return cls(configured.encode() if configured else key_from_file(data_dir / KEY_FILE))

    def __repr__(self) -> str:
        return "QueryTokens(key=***)"

    def issue(self, principal: Principal, path: str, expires: int) -> str:
        claims = TokenClaims(u=principal.id, n=principal.name, s=principal.scopes, p=path,
                             e=expires)
        payload = base64.urlsafe_b64encode(msgspec.json.encode(claims)).rstrip(b"=").decode()
        return f"{payload}.{signature(self._key, payload)}"

    def principal(self, token: str, path: str, now: float) -> Principal:
        """The minter of `token`, if it is genuine, unexpired and for `path`."""
        payload, _, signed = token.rpartition(".")
        # Compared in constant time, and before anything in the payload is believed.
        if not payload or not hmac.compare_digest(signed, signature(self._key, payload)):
            raise Unauthenticated("the access token is malformed or its signature is not valid")
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            claims = msgspec.json.decode(raw, type=TokenClaims)
        except ValueError:  # bad base64, non-ASCII, bad JSON or fields (msgspec)
            raise Unauthenticated("the access token is malformed") from None
        if claims.p != path:
            raise Unauthenticated("the access token was issued for another path")
        if claims.e <= now:
            raise Unauthenticated("the access token has expired; ask for a new one")
        return Principal(id=valid_user_id(claims.u), name=claims.n, scopes=claims.s,
                         method="token")


@cache
def _tokens(configured: str | None, data_dir: Path) -> QueryTokens:
    # Once per process: the key file is read (or made) on first use, not per request.
    return QueryTokens.from_option(configured, data_dir)


def query_tokens_of(rt: Runtime) -> QueryTokens:
    return _tokens(rt.options.auth.token_key, rt.settings.data_dir)

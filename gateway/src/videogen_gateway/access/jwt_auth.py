"""JSON Web Tokens (PyJWT): HS256 with a shared secret, RS256/ES256 with a JWKS.

The accepted algorithm is fixed by the key, never taken from the token: the secret
verifies HS256 only, a JWKS key only its own RS256 or ES256. So `alg: none` fails, and
so does the HS/RS confusion (an HS256 token "signed" with an RSA public key as its
secret): there is no key that PyJWT would try it with. `exp` is required; `nbf`, `iss`
(when configured) and `aud` (when configured) are checked with a small leeway. `sub` is
the user; the `name` claim (else sub) its name; scopes from `scope` (space-separated) or
`scopes` (a list), read and write when the token says none.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jwt
from videogen_contracts.identity import DEFAULT_SCOPES, SCOPES, Principal, Scope

from videogen_gateway.access.authn_options import AuthMisconfigured, JwtOptions
from videogen_gateway.access.credentials import Unauthenticated, valid_user_id

# What a JWKS key may verify: RSA and P-256 keys, by their own algorithm only.
JWKS_ALGORITHMS = frozenset({"RS256", "ES256"})
JWKS_FETCH_TIMEOUT = 5.0

_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet (nbf or iat in the future)"),
    (jwt.InvalidIssuerError, "the token's issuer is not accepted"),
    (jwt.InvalidAudienceError, "the token's audience is not accepted"),
    (jwt.InvalidSignatureError, "the token's signature is not valid"),
    (jwt.InvalidAlgorithmError, "the token's algorithm is not accepted"),
    (jwt.MissingRequiredClaimError, "the token lacks a required claim"),
    (jwt.DecodeError, "the token is malformed"),
    (jwt.PyJWKClientConnectionError, "the JWKS that verifies tokens could not be fetched"),
    (jwt.PyJWKClientError, "the token's signing key is not one of the JWKS"),
    (jwt.PyJWKError, "the token's signing key is not usable"),
)


def reason_of(exc: jwt.PyJWTError) -> str:
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            if isinstance(exc, jwt.MissingRequiredClaimError):
                return f"the token has no {exc.claim!r} claim"
            return reason
    return "the token is not valid"


class JwtVerifier:
    def __init__(self, options: JwtOptions) -> None:
        self.options = options
        self._client: jwt.PyJWKClient | None = None
        self._file_keys: list[jwt.PyJWK] = []
        source = options.jwks
        if source and source.startswith(("http://", "https://")):
            self._client = jwt.PyJWKClient(source, timeout=JWKS_FETCH_TIMEOUT)
        elif source:
            try:
                self._file_keys = list(jwt.PyJWKSet.from_json(Path(source).read_text()).keys)
            except (OSError, ValueError, jwt.PyJWTError) as exc:
                raise AuthMisconfigured(
                    f"VIDEOGEN_JWT_JWKS={source}: not a readable JWKS file ({exc})"
                ) from None

    def __repr__(self) -> str:
        return f"JwtVerifier(jwks={self.options.jwks!r}, secret=***)"

    async def principal(self, token: str) -> Principal:
        try:
            key, algorithm = await self._key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[algorithm], audience=self.options.audience,
                issuer=self.options.issuer, leeway=self.options.leeway,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(reason_of(exc)) from None
        user = valid_user_id(claims.get("sub"))
        name = claims.get("name")
        return Principal(
            id=user, name=name if isinstance(name, str) and name else user,
            scopes=scopes_of(claims), method="jwt",
        )

    async def _key_for(self, token: str) -> tuple[Any, str]:
        """The key to verify `token` with, and the one algorithm that key verifies."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") == "HS256" and self.options.secret:
            return self.options.secret, "HS256"
        if not self.options.jwks:
            raise jwt.InvalidAlgorithmError("only HS256 is configured")
        kid = header.get("kid") if isinstance(header.get("kid"), str) else None
        # A URL's key set may be fetched: in a thread, off the event loop.
        found = (await asyncio.to_thread(self._jwks_key, kid) if self._client
                 else self._jwks_key(kid))
        if found.algorithm_name not in JWKS_ALGORITHMS:
            raise jwt.InvalidAlgorithmError("a JWKS key verifies RS256 or ES256 only")
        return found.key, found.algorithm_name

    def _jwks_key(self, kid: str | None) -> jwt.PyJWK:
        # A URL's key set is fetched, then cached, and refetched at most once per cooldown
        # for an unknown kid (PyJWKClient), so random kids cannot hammer the issuer.
        if self._client is not None and kid is not None:
            return self._client.get_signing_key(kid)
        keys = self._client.get_signing_keys() if self._client else self._file_keys
        matching = [k for k in keys if kid is None or k.key_id == kid]
        if len(matching) != 1:
            raise jwt.PyJWKClientError("no single JWKS key matches the token's kid")
        return matching[0]


def scopes_of(claims: dict[str, Any]) -> tuple[Scope, ...]:
    raw = claims.get("scope", claims.get("scopes"))
    if raw is None:
        return DEFAULT_SCOPES
    named = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return tuple(scope for scope in SCOPES if scope in named)

"""How the gateway authenticates its callers: `VIDEOGEN_AUTH` and the JWT and query-token
options (read once, at start; a bad value refuses to start with a message naming it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

AuthMode = Literal["none", "apikey", "jwt"]
AUTH_MODES: tuple[AuthMode, ...] = get_args(AuthMode)

# A query token (?access_token=) lives at most this long (the POST /api/me/tokens cap).
TOKEN_MAX_TTL = 3600
TOKEN_DEFAULT_TTL = 600
JWT_LEEWAY_SECONDS = 30.0
HS256_MIN_SECRET_BYTES = 32


class AuthMisconfigured(SystemExit):
    """An authentication option that cannot work; the gateway refuses to start."""


@dataclass(frozen=True, slots=True)
class JwtOptions:
    # HS256 with this shared secret, and/or RS256/ES256 with the keys of a JWKS (a file
    # path or an http(s) URL).
    secret: str | None = field(default=None, repr=False)
    jwks: str | None = None
    issuer: str | None = None
    audience: str | None = None
    # The clock skew allowed on exp, nbf and iat.
    leeway: float = JWT_LEEWAY_SECONDS

    def __post_init__(self) -> None:
        if self.secret is not None and len(self.secret.encode()) < HS256_MIN_SECRET_BYTES:
            raise AuthMisconfigured(
                f"VIDEOGEN_JWT_SECRET must be at least {HS256_MIN_SECRET_BYTES} bytes (RFC 7518"
                " 3.2: an HS256 key shorter than its hash can be guessed)"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> JwtOptions:
        return cls(
            secret=env.get("VIDEOGEN_JWT_SECRET") or None,
            jwks=env.get("VIDEOGEN_JWT_JWKS") or None,
            issuer=env.get("VIDEOGEN_JWT_ISSUER") or None,
            audience=env.get("VIDEOGEN_JWT_AUDIENCE") or None,
            leeway=float(env.get("VIDEOGEN_JWT_LEEWAY_SECONDS") or JWT_LEEWAY_SECONDS),
        )


@dataclass(frozen=True, slots=True)
class AuthOptions:
    # `none` (one local user, loopback only), `apikey`, `jwt`, or several of them.
    modes: tuple[AuthMode, ...] = ("none",)
    jwt: JwtOptions = field(default_factory=JwtOptions)
    # Signs the query tokens (None: `<data dir>/token.key`, created at first start; every
    # replica of a deployment must share it).
    token_key: str | None = field(default=None, repr=False)
    # VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS=yes: `none` on a public address.
    insecure_public: bool = False

    def __post_init__(self) -> None:
        if not self.modes:
            raise AuthMisconfigured("VIDEOGEN_AUTH names no mode (none, apikey, jwt)")
        if "jwt" in self.modes and not (self.jwt.secret or self.jwt.jwks):
            raise AuthMisconfigured(
                "VIDEOGEN_AUTH=jwt needs VIDEOGEN_JWT_SECRET (HS256) or VIDEOGEN_JWT_JWKS"
                " (RS256/ES256: a JWKS file or URL)"
            )

    @property
    def open(self) -> bool:
        """Whether a request without credentials is the local user (mode `none`)."""
        return "none" in self.modes

    @property
    def only_none(self) -> bool:
        return self.modes == ("none",)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuthOptions:
        env = os.environ if env is None else env
        return cls(
            modes=auth_modes(env.get("VIDEOGEN_AUTH") or "none"),
            jwt=JwtOptions.from_env(env),
            token_key=env.get("VIDEOGEN_TOKEN_KEY") or None,
            insecure_public=(
                env.get("VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS", "").lower() == "yes"
            ),
        )


def auth_modes(raw: str) -> tuple[AuthMode, ...]:
    """`VIDEOGEN_AUTH`'s modes, in order, duplicates dropped."""
    modes: list[AuthMode] = []
    for item in (part.strip().lower() for part in raw.split(",")):
        if not item:
            continue
        if item not in AUTH_MODES:
            raise AuthMisconfigured(
                f"VIDEOGEN_AUTH: unknown mode {item!r}; use none, apikey, jwt or a comma list"
            )
        if item not in modes:
            modes.append(item)
    return tuple(modes)

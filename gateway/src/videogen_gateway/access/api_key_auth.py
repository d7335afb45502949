"""API keys (`Authorization: Bearer vg_...` or `X-API-Key`), looked up by their sha256 in
the `api_keys` read model (readmodels/api_keys), which every replica's projection keeps.

A positive answer is remembered for at most `CACHE_SECONDS`, so a key revoked on any
replica stops working on every replica within a second (the projection's lag plus this),
while a client's burst of requests costs one look-up. Unknown, malformed and revoked keys
are never remembered: they are refused fresh each time. Only the hash is looked up, so the
key's secret part is compared by the database's index, never by Python; the id the key
names is then compared with the row's in constant time.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable

from videogen_contracts.identity import Principal
from videogen_contracts.project.api_keys import KEY_PREFIX, is_well_formed, key_hash

from videogen_gateway.access.credentials import Unauthenticated, valid_user_id
from videogen_gateway.readmodels.api_keys.queries import ApiKeyRow

CACHE_SECONDS = 0.5
CACHE_MAX = 10_000

KeyLookup = Callable[[str], Awaitable[ApiKeyRow | None]]


def looks_like_key(credential: str) -> bool:
    """Whether a bearer credential is meant as one of our API keys (not a JWT)."""
    return credential.startswith(KEY_PREFIX)


class ApiKeyVerifier:
    def __init__(self, lookup: KeyLookup, clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup, self._clock = lookup, clock
        self._recent: dict[str, tuple[float, Principal]] = {}

    def __repr__(self) -> str:
        return f"ApiKeyVerifier(cached={len(self._recent)})"

    async def principal(self, key: str) -> Principal:
        if not is_well_formed(key):
            raise Unauthenticated("the API key is malformed")
        digest = key_hash(key)
        now = self._clock()
        cached = self._recent.get(digest)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        row = await self._lookup(digest)
        if row is None or not hmac.compare_digest(row.key_id, key_id_of(key)):
            raise Unauthenticated("the API key is not valid")
        if row.revoked_at is not None:
            self._recent.pop(digest, None)
            raise Unauthenticated("the API key was revoked")
        user = valid_user_id(row.user_id)
        # The key's own name labels the key (in the admin lists), not its user.
        principal = Principal(id=user, name=user, scopes=row.scopes, method="apikey")
        if len(self._recent) >= CACHE_MAX:
            self._recent.clear()  # bounded: a flood of distinct keys costs look-ups, not memory
        self._recent[digest] = (now, principal)
        return principal


def key_id_of(key: str) -> str:
    """`vg_<key_id>_<secret>`'s key_id (16 hex digits, never a `_`)."""
    return key[len(KEY_PREFIX):].partition("_")[0]

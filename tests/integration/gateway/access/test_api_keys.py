"""API-key authentication against the `api_keys` read model on real PostgreSQL: a key in
`Authorization: Bearer` or `X-API-Key` is its user; malformed, unknown and revoked keys are
401s; a revocation is seen within a second (the positive cache holds half of one)."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from uuid import uuid4

from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.identity import Scope
from videogen_contracts.project.api_keys import (
    ApiKeyCreated,
    ApiKeyEventBase,
    ApiKeyRevoked,
    mint_key,
    stream_id_for,
)
from videogen_contracts.project.events import SERVICE
from videogen_gateway.access.authn_options import AuthOptions, JwtOptions
from videogen_gateway.readmodels.projector import Outcome, ProjectProjector

from tests.integration.gateway.access.conftest import Gateway, Served
from tests.integration.gateway.access.tokens import SECRET, bearer, hs256, refused

KEYS = AuthOptions(modes=("apikey",))
_positions = itertools.count(1)


class Keys:
    """Keys put straight into the gateway's read model, as its projection would."""

    def __init__(self, served: Served) -> None:
        rt = served.runtime
        self.projector = ProjectProjector(rt.pool, rt.schema, "test-api-keys")

    async def apply(self, event: ApiKeyEventBase, version: int) -> None:
        position = next(_positions)
        outcome = await self.projector.apply(RecordedEvent(
            service=SERVICE, global_position=position, transaction_id=position,
            stream_id=stream_id_for(event.key_id), stream_version=version, event_id=uuid4(),
            type=event_type_name(type(event)), schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="test"), recorded_at=datetime.now(UTC),
        ))
        assert outcome is Outcome.APPLIED

    async def create(self, user: str, *scopes: Scope) -> tuple[str, str]:
        minted = mint_key()
        await self.apply(ApiKeyCreated(
            key_id=minted.key_id, user=user, name="laptop", scopes=scopes,
            key_hash=minted.key_hash, created_at=datetime.now(UTC),
        ), 1)
        return minted.key_id, minted.key

    async def revoke(self, key_id: str) -> None:
        await self.apply(ApiKeyRevoked(key_id=key_id, revoked_at=datetime.now(UTC)), 2)


async def test_a_key_is_its_user_in_either_header(gateway: Gateway) -> None:
    async with gateway(KEYS) as served:
        _, key = await Keys(served).create("alice", "read")
        expected = {"id": "alice", "name": "alice", "scopes": ["read"], "auth_method": "apikey",
                    "email": None, "auth": "apikey"}
        for headers in (bearer(key), {"X-API-Key": key}, {**bearer(key), "X-API-Key": key}):
            answer = await served.http.get("/api/me", headers=headers)
            assert answer.status_code == 200, answer.text
            assert answer.json() == expected
        # Read only: a write is a 403.
        assert (await served.http.post("/api/v1/generate", headers=bearer(key),
                                       json={})).status_code == 403


async def test_bad_keys_are_401s(gateway: Gateway) -> None:
    async with gateway(KEYS) as served:
        keys = Keys(served)
        _, alice = await keys.create("alice", "read", "write")
        _, bob = await keys.create("bob", "read")
        unknown = mint_key().key
        refusals = {
            "the API key is malformed": [bearer("vg_123"), {"X-API-Key": "junk"},
                                         bearer(alice + "x"), bearer(hs256())],
            "the API key is not valid": [bearer(unknown), {"X-API-Key": unknown},
                                         bearer(alice[:-1] + ("A" if alice[-1] != "A" else "B"))],
            "send one credential: Authorization or X-API-Key, not both": [
                {**bearer(alice), "X-API-Key": bob}],
            "the Authorization header must be 'Bearer <credential>'": [
                {"Authorization": alice}, {"Authorization": "Basic YWxpY2U6eA=="}],
        }
        for detail, attempts in refusals.items():
            for headers in attempts:
                refused(await served.http.get("/api/me", headers=headers), detail)
        # None of them was mistaken for alice's key along the way.
        assert (await served.http.get("/api/me", headers=bearer(alice))).status_code == 200


async def test_a_revoked_key_stops_working_within_a_second(gateway: Gateway) -> None:
    async with gateway(KEYS) as served:
        keys = Keys(served)
        key_id, key = await keys.create("alice", "read")
        # Warm the cache: the key was just accepted when it is revoked.
        assert (await served.http.get("/api/me", headers=bearer(key))).status_code == 200
        await keys.revoke(key_id)
        revoked_at = time.monotonic()
        while (answer := await served.http.get("/api/me", headers=bearer(key))).status_code == 200:
            assert time.monotonic() - revoked_at < 1.0, "still accepted a second after revoking"
        refused(answer, "the API key was revoked")
        assert time.monotonic() - revoked_at < 1.0


async def test_a_mode_takes_only_its_own_credentials(gateway: Gateway) -> None:
    jwt_only = AuthOptions(modes=("jwt",), jwt=JwtOptions(secret=SECRET))
    async with gateway(jwt_only) as served:
        _, key = await Keys(served).create("alice", "read")
        for headers in (bearer(key), {"X-API-Key": key}):
            refused(await served.http.get("/api/me", headers=headers),
                           "API keys are not accepted by this gateway; send a JWT")
    both = AuthOptions(modes=("apikey", "jwt"), jwt=JwtOptions(secret=SECRET))
    async with gateway(both) as served:
        _, key = await Keys(served).create("alice", "read")
        by_key = await served.http.get("/api/me", headers=bearer(key))
        assert by_key.json()["auth_method"] == "apikey"
        by_jwt = await served.http.get("/api/me", headers=bearer(hs256(iss=None, aud=None)))
        assert by_jwt.json()["auth_method"] == "jwt"

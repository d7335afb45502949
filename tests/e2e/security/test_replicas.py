"""Two gateway replicas on one deployment: a key revoked through one stops working on the
other within a second, and a user's rate limit holds across both (the counters are in
PostgreSQL, not in either process)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.security.answers import error_shape, send
from tests.e2e.security.conftest import BURST_LIMIT, bearer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REVOKED_WITHIN = 1.0


@pytest.fixture
async def apis(secure_stack: Stack, replica: Stack
               ) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with (
        httpx.AsyncClient(base_url=secure_stack.base_url, timeout=60) as one,
        httpx.AsyncClient(base_url=replica.base_url, timeout=60) as two,
    ):
        yield one, two


async def test_a_key_revoked_on_one_replica_stops_on_the_other_within_a_second(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient], keys: dict[str, dict[str, str]],
) -> None:
    one, two = apis
    admin = bearer(keys["admin"]["key"])
    made = await one.post("/api/admin/keys", json={"user": "dave", "name": "soon revoked"},
                          headers=admin)
    assert made.status_code == 201, made.text
    dave = bearer(made.json()["key"])
    # Used on replica 2 first, so that whatever it caches of the key is warm.
    for _ in range(3):
        me = await two.get("/api/me", headers=dave)
        assert me.status_code == 200, me.text
        assert me.json()["id"] == "dave"
    revoked = await one.delete(f"/api/admin/keys/{made.json()['key_id']}", headers=admin)
    assert revoked.status_code == 204, revoked.text
    since = time.monotonic()
    while (await two.get("/api/me", headers=dave)).status_code == 200:
        assert time.monotonic() - since < REVOKED_WITHIN + 1, "still accepted"
        await asyncio.sleep(0.02)
    took = time.monotonic() - since
    assert took < REVOKED_WITHIN, f"replica 2 took {took:.2f}s to refuse the revoked key"
    refused = await send(two, "GET", "/api/me", headers=dave)
    assert refused.status == 401, refused
    assert refused.headers["www-authenticate"].startswith("Bearer")
    # And on replica 1, at once.
    assert (await one.get("/api/me", headers=dave)).status_code == 401


async def test_a_burst_of_100_generate_requests_meets_one_limit_across_both_replicas(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient], keys: dict[str, dict[str, str]],
) -> None:
    """Carol's burst alternates between the replicas. Each request's body is not a valid
    job (`[]`), so what the limit admits answers 400 and starts nothing; what it refuses is
    a 429 with Retry-After in doc 004's error shape. Counters in process memory would admit
    twice the limit (once per replica)."""
    carol = bearer(keys["carol"]["key"])
    started = time.monotonic()
    answers = [await send(apis[i % 2], "POST", "/api/v1/generate", headers=carol, body=b"[]")
               for i in range(100)]
    took = time.monotonic() - started
    admitted = [a for a in answers if a.status != 429]
    refused = [a for a in answers if a.status == 429]
    assert {a.status for a in admitted} == {400}, [str(a) for a in admitted[:3]]
    # The bucket refills at BURST_LIMIT per 60 s while the burst runs.
    at_most = BURST_LIMIT + math.ceil(took * BURST_LIMIT / 60) + 1
    assert BURST_LIMIT <= len(admitted) <= at_most, (len(admitted), took)
    by_replica = {i % 2 for i, a in enumerate(answers) if a.status == 429}
    assert by_replica == {0, 1}, "both replicas refuse"
    for answer in refused:
        assert error_shape(answer, problem=False) is None, answer
        assert int(answer.headers["retry-after"]) >= 1, answer
    # Nothing was enqueued for carol.
    jobs = await apis[0].get("/api/v1/jobs", headers=carol)
    assert jobs.status_code == 200, jobs.text
    assert jobs.json()["jobs"] == {}, jobs.text

"""The per-user rate limit of costly routes, on real PostgreSQL, across two replicas."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from videogen_gateway.access.limit_settings import AbuseLimits, Rate, parse_rates

from .conftest import USER_HEADER, Replica


def limits(**rates: Rate) -> AbuseLimits:
    return AbuseLimits(rates={**AbuseLimits().rates, **rates})


async def burst(
    clients: list[httpx.AsyncClient], path: str, user: str, n: int
) -> list[httpx.Response]:
    return list(await asyncio.gather(*(
        clients[i % len(clients)].post(path, headers={USER_HEADER: user}) for i in range(n)
    )))


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1


async def test_a_burst_across_two_replicas_admits_exactly_the_limit(replica: Replica) -> None:
    five = limits(generate=Rate(5, 60))
    clients = [await replica(five), await replica(five)]
    answers = await burst(clients, "/api/v1/generate", "alice", 40)
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [202] * 5 + [429] * 35
    for refused in (r for r in answers if r.status_code == 429):
        assert_refused(refused)
        # Doc 004's shape on its paths: exactly {"error": ...}.
        assert refused.headers["content-type"] == "application/json"
        assert set(refused.json()) == {"error"}
        assert "at most 5 per 60 seconds" in refused.json()["error"]
    # Another user has a bucket of its own; another kind too.
    assert (await burst(clients, "/api/v1/generate", "bob", 1))[0].status_code == 202
    assert (await burst(clients, "/api/jobs", "alice", 1))[0].status_code == 202


async def test_a_refusal_elsewhere_is_a_problem_with_retry_after(replica: Replica) -> None:
    client = await replica(limits(aura_job=Rate(1, 3600)))
    assert (await burst([client], "/api/jobs", "alice", 1))[0].status_code == 202
    refused = (await burst([client], "/api/jobs", "alice", 1))[0]
    assert_refused(refused)
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert (body["status"], body["title"]) == (429, "Too Many Requests")
    # The wait is the time to the next token: an hour for one an hour.
    assert 3500 <= int(refused.headers["retry-after"]) <= 3600


async def test_the_bucket_refills(replica: Replica) -> None:
    client = await replica(limits(upload=Rate(2, 1)))
    first = await burst([client], "/api/uploads", "alice", 3)
    assert sorted(r.status_code for r in first) == [200, 200, 429]
    refused = next(r for r in first if r.status_code == 429)
    assert refused.headers["retry-after"] == "1"  # half a second to the next token, rounded up
    await asyncio.sleep(0.6)  # 2 tokens a second: one more is back
    assert (await burst([client], "/api/uploads", "alice", 1))[0].status_code == 200


async def test_routes_that_are_not_costly_are_not_limited(replica: Replica) -> None:
    client = await replica(limits(generate=Rate(1, 3600)))
    answers = await asyncio.gather(*(client.get("/api/free") for _ in range(20)))
    assert {r.status_code for r in answers} == {200}


async def test_the_local_user_is_limited_too(replica: Replica) -> None:
    client = await replica(limits(generate=Rate(1, 3600)))
    assert (await client.post("/api/v1/generate")).status_code == 202  # no principal: local
    assert_refused(await client.post("/api/v1/generate"))


def test_the_option_is_parsed_and_a_bad_one_refused() -> None:
    assert parse_rates("generate=10/60, upload=100/3600") == {
        "generate": Rate(10, 60.0), "upload": Rate(100, 3600.0)}
    assert parse_rates("") == {}
    for bad in ("generate=10", "generate=0/60", "render=1/1", "generate=x/60", "upload=1/0"):
        with pytest.raises(ValueError, match="VIDEOGEN_RATE_LIMIT"):
            parse_rates(bad)


def test_the_defaults_cover_every_kind_generously() -> None:
    defaults = AbuseLimits()
    for kind in ("generate", "aura_job", "ai_edit", "manim", "export", "upload"):
        assert defaults.rate_of(kind).burst >= 100

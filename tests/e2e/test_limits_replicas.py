"""The abuse limits across two gateway replicas of one deployment (same database, NATS and
namespace): a burst of 100 generate requests admits exactly the rate limit, whichever
replica each request reached, and nothing past it is enqueued; past the queue depth, a job
is refused on both; a provider URL the operator did not allow is never fetched.

Only the project service runs besides the gateways: the jobs stay queued (nothing renders
them), which is what a full queue looks like, and costs no CPU.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack, stack_env

from tests.e2e.aura_client import job_body

from ..integration.aura_system.fakes import FakeVendor, serve

RATE = 10
DEPTH = RATE + 3


@pytest.fixture(scope="module")
def vendor() -> Iterator[FakeVendor]:
    with serve("openai", "sk-limits-e2e") as fake:
        yield fake


@pytest.fixture(scope="module")
def replicas(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, Stack]]:
    namespace = f"l{free_port()}"
    env = stack_env(
        pg_url, nats_url, free_port(), namespace, VIDEOGEN_GATEWAY_SERVICES="project",
        VIDEOGEN_RATE_LIMIT=f"generate={RATE}/3600", VIDEOGEN_MAX_QUEUE_DEPTH=str(DEPTH),
        VIDEOGEN_DATA_DIR=str(tmp_path_factory.mktemp("limits-data")),
    )
    one = Stack(env, log_dir=Path(tmp_path_factory.mktemp("limits-one")))
    two = Stack(dict(env, VIDEOGEN_PORT=str(free_port())),
                log_dir=Path(tmp_path_factory.mktemp("limits-two")))
    try:
        one.start("project")
        one.start("gateway")
        one.wait_ready()
        two.start("gateway")
        two.wait_ready()
        yield one, two
    finally:
        two.stop()
        one.stop()


@pytest.fixture
async def apis(
    replicas: tuple[Stack, Stack]
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    one, two = replicas
    async with (
        httpx.AsyncClient(base_url=one.base_url, timeout=60) as first,
        httpx.AsyncClient(base_url=two.base_url, timeout=60) as second,
    ):
        yield first, second


async def test_a_burst_of_100_admits_the_limit_across_replicas(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    answers = await asyncio.gather(*(
        apis[i % 2].post("/api/v1/generate", json={"text": f"Burst number {i}."})
        for i in range(100)
    ))
    accepted = [a for a in answers if a.status_code == 202]
    refused = [a for a in answers if a.status_code != 202]
    assert len(accepted) == RATE, [a.text for a in refused if a.status_code != 429][:3]
    assert {a.status_code for a in refused} == {429}
    for answer in refused:
        assert int(answer.headers["retry-after"]) >= 1
        assert set(answer.json()) == {"error"}  # doc 004's shape
    # Each replica refused some: one bucket for both, not one each.
    assert {a.url.port for a in refused} == {api.base_url.port for api in apis}
    # Nothing past the limit was enqueued: the jobs are exactly the accepted ones.
    jobs = (await apis[1].get("/api/v1/jobs")).json()["jobs"]
    assert set(jobs) == {a.json()["job_id"] for a in accepted}


async def test_past_the_queue_depth_a_job_is_refused_on_both_replicas(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    # The burst left RATE queued productions; Aura jobs (their own rate bucket) fill the rest.
    active = len((await apis[0].get("/api/v1/jobs")).json()["jobs"])
    for i in range(DEPTH - active):
        created = await apis[i % 2].post("/api/jobs", json=job_body())
        assert created.status_code == 202, created.text
    for api in apis:
        full = await api.post("/api/jobs", json=job_body())
        assert full.status_code == 429, full.text
        assert full.headers["retry-after"] == "10"
        assert full.headers["content-type"].startswith("application/problem+json")
    listed = (await apis[0].get("/api/jobs", params={"pageSize": 100})).json()
    assert listed["totalCount"] == DEPTH - active


async def test_a_provider_url_not_allowed_is_a_400_and_never_fetched(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient], vendor: FakeVendor
) -> None:
    for url in ("http://169.254.169.254/latest/meta-data", vendor.url,
                "https://api.openai.com.evil.test/v1"):
        answer = await apis[0].put("/api/settings", json={"openAiBaseUrl": url})
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == "openAiBaseUrl"
    assert vendor.paths == []  # nothing was fetched from it
    # OpenAI's own URL (the environment's default) is allowed (saved, not fetched here).
    allowed = await apis[1].put("/api/settings",
                                json={"openAiBaseUrl": "https://api.openai.com/v1"})
    assert allowed.status_code == 200, allowed.text

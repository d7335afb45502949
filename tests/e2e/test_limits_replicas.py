"""The abuse limits across two gateway replicas of one deployment (same database, NATS and
namespace), with API keys (`VIDEOGEN_AUTH=apikey`): a burst of 100 generate requests from
one user admits exactly the rate limit, whichever replica each request reached, nothing
past it is enqueued, and another user keeps a bucket of his own; past the user's job limit
and past the queue depth, a job is refused on both; a provider URL the operator did not
allow is never fetched.

Only the project service runs besides the gateways: the jobs stay queued (nothing renders
them), which is what a full queue looks like, and costs no CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack, stack_env

from tests.e2e.aura_client import job_body
from tests.e2e.test_api_keys import keys_process

from ..integration.aura_system.fakes import FakeVendor, serve

RATE = 10
MAX_ACTIVE = RATE + 2
DEPTH = RATE + 5
USERS = ("alice", "bob", "ops")


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
        VIDEOGEN_AUTH="apikey", VIDEOGEN_RATE_LIMIT=f"generate={RATE}/3600",
        VIDEOGEN_MAX_ACTIVE_JOBS_PER_USER=str(MAX_ACTIVE), VIDEOGEN_MAX_QUEUE_DEPTH=str(DEPTH),
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


@pytest.fixture(scope="module")
async def keys(replicas: tuple[Stack, Stack]) -> dict[str, str]:
    """A key each for alice and bob, and an admin's (the deployment's settings are theirs)."""
    made = {}
    for user in USERS:
        scopes = ("--scope", "admin") if user == "ops" else ("--scope", "read", "--scope", "write")
        created = await keys_process(replicas[0], "create", "--user", user, *scopes)
        assert created.returncode == 0, created.stderr
        made[user] = created.stdout.strip()
    return made


@pytest.fixture
async def apis(
    replicas: tuple[Stack, Stack], keys: dict[str, str]
) -> AsyncIterator[dict[str, tuple[httpx.AsyncClient, httpx.AsyncClient]]]:
    """Per user, a client of each replica."""
    async with contextlib.AsyncExitStack() as opened:
        clients = {}
        for user in USERS:
            one, two = [await opened.enter_async_context(httpx.AsyncClient(
                base_url=stack.base_url, timeout=60, headers={"X-API-Key": keys[user]},
            )) for stack in replicas]
            clients[user] = (one, two)
        yield clients


async def test_a_burst_of_100_admits_the_limit_across_replicas(
    apis: dict[str, tuple[httpx.AsyncClient, httpx.AsyncClient]]
) -> None:
    alice = apis["alice"]
    answers = await asyncio.gather(*(
        alice[i % 2].post("/api/v1/generate", json={"text": f"Burst number {i}."})
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
    assert {a.url.port for a in refused} == {api.base_url.port for api in alice}
    # Nothing past the limit was enqueued: alice's jobs are exactly the accepted ones.
    jobs = (await alice[1].get("/api/v1/jobs")).json()["jobs"]
    assert set(jobs) == {a.json()["job_id"] for a in accepted}
    # Bob's bucket is his own.
    bobs = await apis["bob"][0].post("/api/v1/generate", json={"text": "Bob's own."})
    assert bobs.status_code == 202, bobs.text


async def fill_then_refused(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], jobs: int, refusal: str
) -> None:
    """Create `jobs` Aura jobs over both replicas, then one more on each: refused."""
    for i in range(jobs):
        created = await clients[i % 2].post("/api/jobs", json=job_body())
        assert created.status_code == 202, created.text
    for api in clients:
        refused = await api.post("/api/jobs", json=job_body())
        assert refused.status_code == 429, refused.text
        assert refused.headers["retry-after"] == "10"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refusal in refused.json()["detail"]


async def test_past_the_job_limits_a_job_is_refused_on_both_replicas(
    apis: dict[str, tuple[httpx.AsyncClient, httpx.AsyncClient]]
) -> None:
    # The burst left alice RATE queued productions and bob one (nothing renders them);
    # Aura jobs (a rate bucket of their own) fill alice's share, then the queue.
    alice, bob = apis["alice"], apis["bob"]
    mine = len((await alice[0].get("/api/v1/jobs")).json()["jobs"])
    await fill_then_refused(alice, MAX_ACTIVE - mine, "too many jobs running")
    everyone = MAX_ACTIVE + len((await bob[0].get("/api/v1/jobs")).json()["jobs"])
    await fill_then_refused(bob, DEPTH - everyone, "queue is full")
    listed = (await alice[0].get("/api/jobs", params={"pageSize": 100})).json()
    assert listed["totalCount"] == MAX_ACTIVE - mine  # nothing refused was enqueued


async def test_a_provider_url_not_allowed_is_a_400_and_never_fetched(
    apis: dict[str, tuple[httpx.AsyncClient, httpx.AsyncClient]], vendor: FakeVendor
) -> None:
    ops = apis["ops"]
    for url in ("http://169.254.169.254/latest/meta-data", vendor.url,
                "https://api.openai.com.evil.test/v1"):
        answer = await ops[0].put("/api/settings", json={"openAiBaseUrl": url})
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == "openAiBaseUrl"
    assert vendor.paths == []  # nothing was fetched from it
    # OpenAI's own URL (the environment's default) is allowed (saved, not fetched here).
    allowed = await ops[1].put("/api/settings",
                                json={"openAiBaseUrl": "https://api.openai.com/v1"})
    assert allowed.status_code == 200, allowed.text

"""Secrets never leak: a full job runs with sentinel secrets (API keys, a JWT secret, the
query-token key, a provider key that the fake OpenAI server receives), then every log
file, every row of every table of the deployment (each service's events, the read models)
every response body and header, and `/metrics` are searched for them.

Its own stack: the language model is a local fake (it must see the provider key, or the
test would prove nothing about a key that was never used), which the package's world
cannot run on (its Manim writer needs the offline one).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
from videogen_local.stack import Stack

from tests.conftest import StackFactory
from tests.e2e.aura_client import job_body
from tests.e2e.security.conftest import JWT_SECRET, SECURE_ENV, TOKEN_KEY, bearer, mint_key
from tests.e2e.security.world import ok, until
from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, Seen, answer, serve

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

PROVIDER_KEY = "sk-sentinel-provider-key-7c3a91e0b5d2"
SETTINGS_KEY = "sk-sentinel-settings-key-4e8f2a6c1d09"
SECTION = {"title": "Why", "sentences": ["Light scatters.", "Blue scatters most.", "So, blue."]}
# What the writer asks for (its response_format's schema name) and a valid answer to it.
ANSWERS: dict[str, object] = {
    "OutlineDraft": {"title": "The sky", "total_target_minutes": 0.2, "sections": [
        {"title": "Why", "summary": "Scattering.", "target_minutes": 0.2,
         "key_points": ["light"]}]},
    "SectionScript": SECTION,
    "SectionsPayload": {"sections": [SECTION]},
    "SentencesPayload": {"sentences": ["One more."]},
    "OutlineSection": {"title": "Why", "summary": "Scattering.", "target_minutes": 0.2,
                       "key_points": ["light"]},
}


class ScriptedModel(FakeOpenAI):
    """Answers each request by the schema it asks for."""

    def next_reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
        name = seen.body.get("response_format", {}).get("json_schema", {}).get("name", "")
        return answer(ANSWERS[name]) if name in ANSWERS else Reply(content="A plain answer.")


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    yield from serve(ScriptedModel())


@pytest.fixture(scope="module")
def secrets_stack(security_stacks: StackFactory, model: FakeOpenAI) -> Stack:
    return security_stacks(**SECURE_ENV, OPENAI_BASE_URL=model.url, OPENAI_API_KEY=PROVIDER_KEY)


class Recorder:
    """Every response the test received, with its headers."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        # The request's own URL is left out: it carries the query token the test sent.
        self.seen.append(f"{response.request.method} {response.request.url.path}\n{headers}\n"
                         + response.content.decode("utf-8", "replace"))


@pytest.fixture
async def recorded(secrets_stack: Stack) -> AsyncIterator[tuple[httpx.AsyncClient, Recorder]]:
    recorder = Recorder()
    async with httpx.AsyncClient(base_url=secrets_stack.base_url, timeout=120,
                                 event_hooks={"response": [recorder]}) as api:
        yield api, recorder


async def test_no_secret_in_logs_events_read_models_responses_or_metrics(
    secrets_stack: Stack, model: FakeOpenAI, pg_url: str,
    recorded: tuple[httpx.AsyncClient, Recorder],
) -> None:
    api, recorder = recorded
    admin_key = mint_key(secrets_stack, "admin", ("read", "write", "admin"))["key"]
    user_key = mint_key(secrets_stack, "alice", ("read", "write"))["key"]
    token = jwt.encode({"sub": "jules", "exp": int(time.time()) + 600}, JWT_SECRET,
                       algorithm="HS256")
    user, by_jwt, admin = bearer(user_key), bearer(token), bearer(admin_key)
    assert ok(await api.get("/api/me", headers=by_jwt))["id"] == "jules"

    # A full job: brief -> script (by the fake model, with the provider key) -> video.
    job = ok(await api.post("/api/jobs", json=job_body(), headers=user), 202)["jobId"]
    done = await until(lambda: _get(api, f"/api/jobs/{job}", user),
                       lambda j: j["status"] in ("Succeeded", "Failed"))
    assert done["status"] == "Succeeded", done
    assert (await api.get(f"/api/jobs/{job}/download", headers=user)).status_code == 200
    assert model.seen, "the fake model was never asked"
    assert {s.headers.get("authorization") for s in model.seen} == {f"Bearer {PROVIDER_KEY}"}
    # A studio script by the same model, through a JWT's user.
    project = ok(await api.post("/api/v1/projects", json={"topic": "The sky"}, headers=by_jwt),
                 201)
    ok(await api.post(f"/api/v1/projects/{project['id']}/quick-generate", json={},
                      headers=by_jwt), 201)
    # A query token (signed with the token key), used once.
    feed = f"/api/jobs/{job}/events"
    query = ok(await api.post("/api/me/tokens", json={"path": feed}, headers=user), 201)["token"]
    async with api.stream("GET", f"{feed}?access_token={query}") as stream:
        assert stream.status_code == 200
    # A provider key written through the settings: write-only.
    ok(await api.put("/api/settings", json={"openAiApiKey": SETTINGS_KEY}, headers=admin))
    assert ok(await api.get("/api/settings", headers=admin))["openAiApiKeySet"] is True
    # Errors that name the credential's kind: a revoked-looking and a malformed key.
    for bad in (user_key[:-4] + "AAAA", f"Bearer {PROVIDER_KEY}", token + "x"):
        assert (await api.get("/api/me", headers={"Authorization": bad})).status_code == 401
    metrics = await api.get("/metrics")
    assert metrics.status_code == 200

    secrets = {"api key": user_key, "admin key": admin_key, "jwt secret": JWT_SECRET,
               "jwt": token, "token key": TOKEN_KEY, "query token": query,
               "provider key": PROVIDER_KEY, "settings key": SETTINGS_KEY}
    places = {**_logs(secrets_stack), **await _tables(pg_url, secrets_stack),
              **{f"response {i}": text for i, text in enumerate(recorder.seen)}}
    # The one answer that shows the query token is the one that minted it, to its user.
    minted = {place for place, text in places.items() if text.startswith("POST /api/me/tokens")}
    leaks = [f"{secret} in {place}" for place, text in places.items()
             for secret, value in secrets.items()
             if value in text and not (secret == "query token" and place in minted)]
    assert not leaks, "\n".join(leaks)
    assert len([p for p in places if p.startswith("log ")]) >= 5, sorted(places)


async def _get(api: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    return ok(await api.get(path, headers=headers))


def _logs(stack: Stack) -> dict[str, str]:
    assert stack.log_dir is not None
    return {f"log {p.name}": p.read_text(errors="replace")
            for p in Path(stack.log_dir).rglob("*.log")}


async def _tables(pg_url: str, stack: Stack) -> dict[str, str]:
    """Every row of every table of the stack's schemas, as text."""
    prefix = stack.env["VIDEOGEN_NAMESPACE"] + "_"
    conn = await asyncpg.connect(pg_url)
    try:
        tables = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema LIKE $1 AND table_type = 'BASE TABLE'", prefix + "%")
        found = {}
        for schema, table in tables:
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{schema}"."{table}" t')
            found[f"table {schema}.{table}"] = "\n".join(r["row"] for r in rows)
    finally:
        await conn.close()
    assert any(name.endswith(".events") for name in found), sorted(found)
    return found

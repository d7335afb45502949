"""What the security e2e tests stand on: one stack with authentication on, the users' keys,
and A's world (one of each of A's resources on all five surfaces), shared by the package.

- `secure_stack`: one whole stack for the package, `VIDEOGEN_AUTH=apikey,jwt`, with
  sentinel secrets (JWT secret, query-token key) and a tight `generate` rate limit that only
  the burst user meets (limits are per user: A's world stays far below it).
- `keys`: API keys minted through the CLI (`python -m videogen_gateway keys create`), the
  way an operator makes them: `admin` (every scope), `alice` (A, the owner of the world),
  `bob` (B, the wrong user), `carol` (the burst user of the rate-limit test).
- `world`: A's resources, made over HTTP with A's key (world.py).
- `replica`: a second gateway process on the same deployment (database, NATS, namespace).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack

from tests.conftest import StackFactory, stacks
from tests.e2e.editor.conftest import make_clip
from tests.e2e.security.world import World, build_world
from tests.e2e.test_api_keys import run_keys_cli

# Sentinels: none of these strings may appear in any log, event, response or /metrics.
JWT_SECRET = "sentinel-jwt-secret-5f0c1e7b9a2d4c68b3e1"
TOKEN_KEY = "sentinel-token-key-0d9e8c7b6a5f4e3d2c1b"
BURST_LIMIT = 30
SECURE_ENV = {
    "VIDEOGEN_AUTH": "apikey,jwt",
    "VIDEOGEN_JWT_SECRET": JWT_SECRET,
    "VIDEOGEN_TOKEN_KEY": TOKEN_KEY,
    "VIDEOGEN_RATE_LIMIT": f"generate={BURST_LIMIT}/60",
}
USERS = {
    "admin": ("read", "write", "admin"),
    "alice": ("read", "write"),
    "bob": ("read", "write"),
    "carol": ("read", "write"),
}


@pytest.fixture(scope="package")
def security_stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    with stacks(pg_url, nats_url, tmp_path_factory) as factory:
        yield factory


@pytest.fixture(scope="package")
def secure_stack(security_stacks: StackFactory) -> Stack:
    return security_stacks(**SECURE_ENV)


def mint_key(stack: Stack, user: str, scopes: tuple[str, ...]) -> dict[str, str]:
    """A key made by the CLI: its JSON answer ({key_id, key, user, name, scopes, ...})."""
    scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
    done = run_keys_cli(stack, "create", "--user", user, "--name", f"{user} e2e", *scope_args,
                        "--json")
    assert done.returncode == 0, done.stderr
    minted: dict[str, str] = json.loads(done.stdout)
    assert minted["key"].startswith("vg_"), minted
    return minted


@pytest.fixture(scope="package")
def keys(secure_stack: Stack) -> dict[str, dict[str, str]]:
    return {user: mint_key(secure_stack, user, scopes) for user, scopes in USERS.items()}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="package")
def small_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_clip(tmp_path_factory.mktemp("security-clip") / "clip.mp4", 2.0).read_bytes()


@pytest.fixture(scope="package")
async def world(
    secure_stack: Stack, keys: dict[str, dict[str, str]], small_clip: bytes
) -> World:
    async with httpx.AsyncClient(base_url=secure_stack.base_url, timeout=120,
                                 headers=bearer(keys["alice"]["key"])) as alice:
        made = await build_world(alice, small_clip)
    made.api_key = keys["alice"]["key_id"]
    return made


@pytest.fixture
async def client(secure_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """No credentials of its own: each request says whose it is."""
    async with httpx.AsyncClient(base_url=secure_stack.base_url, timeout=60) as api:
        yield api


@pytest.fixture(scope="package")
def replica(secure_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second gateway process on the package's deployment."""
    second = Stack(dict(secure_stack.env, VIDEOGEN_PORT=str(free_port())),
                   log_dir=Path(tmp_path_factory.mktemp("security-replica")))
    second.start("gateway")
    try:
        second.wait_ready()
        yield second
    finally:
        second.stop()

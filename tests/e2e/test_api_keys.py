"""API keys on the real stack: the CLI (`python -m videogen_gateway keys ...`, run with the
stack's environment) and the admin endpoints, create → list → revoke, and the key itself
nowhere in the project service's log or the CLI's logs."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from typing import Any

import asyncpg
import httpx
import pytest
import structlog
from videogen_contracts.project.api_keys import key_hash
from videogen_gateway.access.keys_cli import run_keys
from videogen_local.stack import Stack
from videogen_runtime.settings import Settings

KEY = re.compile(r"^vg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")


def deployment_of(stack: Stack) -> Settings:
    """The settings the stack's processes run with (what `Settings.from_env` reads there)."""
    env = stack.env
    return Settings(database_url=env["VIDEOGEN_DATABASE_URL"], nats_url=env["VIDEOGEN_NATS_URL"],
                    namespace=env["VIDEOGEN_NAMESPACE"])


def run_keys_cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it: `python -m videogen_gateway keys ...`, a process with
    the stack's own environment."""
    return subprocess.run(
        [sys.executable, "-m", "videogen_gateway", "keys", *args], env=stack.env,
        capture_output=True, text=True, timeout=120, check=False,
    )


async def keys_process(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    """`run_keys_cli` in a thread, so that the test's event loop keeps running."""
    return await asyncio.to_thread(run_keys_cli, stack, *args)


async def keys_cli(
    stack: Stack, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """The same CLI in this process (a process start costs seconds on a loaded machine):
    its exit status, stdout and stderr."""
    capsys.readouterr()
    # The process logs to stderr (configure_logging); here the logs are kept off stdout.
    with structlog.testing.capture_logs():
        status = await run_keys(args, deployment_of(stack))
    out, err = capsys.readouterr()
    return status, out, err


async def listed(stack: Stack, capsys: pytest.CaptureFixture[str], user: str) -> list[Any]:
    status, out, err = await keys_cli(stack, capsys, "list", "--user", user, "--json")
    assert status == 0, err
    keys: list[dict[str, Any]] = json.loads(out)
    return keys


async def events_holding(stack: Stack, text: str) -> int:
    settings = deployment_of(stack)
    conn = await asyncpg.connect(settings.database_url)
    try:
        schema = settings.schema_for("project")
        found = await conn.fetchval(
            f'SELECT count(*) FROM "{schema}".events WHERE data::text LIKE $1'
            " OR metadata::text LIKE $1", f"%{text}%",
        )
        return int(found)
    finally:
        await conn.close()


async def test_the_cli_creates_lists_and_revokes_a_key(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    created = await keys_process(stack, "create", "--user", "alice-cli", "--name", "laptop",
                                 "--scope", "read")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert KEY.match(key), created.stdout
    assert key not in created.stderr
    key_id = key.split("_")[1]

    (shown,) = await listed(stack, capsys, "alice-cli")
    assert shown["key_id"] == key_id
    assert (shown["user"], shown["name"], shown["scopes"], shown["revoked_at"]) == (
        "alice-cli", "laptop", ["read"], None)
    assert "key_hash" not in shown
    assert key_hash(key) not in json.dumps(shown)

    status, out, err = await keys_cli(stack, capsys, "revoke", key_id)
    assert status == 0, err
    assert out.strip() == f"revoked {key_id}"
    (shown,) = await listed(stack, capsys, "alice-cli")
    assert shown["revoked_at"] is not None
    status, _, err = await keys_cli(stack, capsys, "revoke", key_id)
    assert status == 0, err

    status, _, err = await keys_cli(stack, capsys, "revoke", "0" * 16)
    assert status == 1
    assert "not found" in err

    assert await events_holding(stack, key_id) == 2  # created, revoked: by id only
    assert await events_holding(stack, key) == 0


async def test_the_cli_refuses_a_bad_input_and_prints_json(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = await keys_cli(stack, capsys, "create", "--user", " ")
    assert status == 1
    assert "user" in err
    status, out, err = await keys_cli(stack, capsys, "create", "--user", "bob-cli", "--json")
    assert status == 0, err
    body = json.loads(out)
    assert KEY.match(body["key"])
    assert body["key"] not in err
    assert body["scopes"] == ["read", "write"]
    assert body["user"] == "bob-cli"
    (shown,) = await listed(stack, capsys, "bob-cli")
    assert shown["key_id"] == body["key_id"]


async def test_the_admin_endpoints_create_list_and_revoke_a_key(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
        made = await client.post("/api/admin/keys", json={
            "user": "carol-http", "name": "ci", "scopes": ["read", "write", "admin"]})
        assert made.status_code == 201, made.text
        body = made.json()
        assert KEY.match(body["key"])
        assert set(body) == {"key_id", "key", "user", "name", "scopes", "created_at"}
        assert (body["user"], body["name"], body["scopes"]) == (
            "carol-http", "ci", ["read", "write", "admin"])

        # Read-your-writes: the list right after shows the key, without any hash.
        listing = await client.get("/api/admin/keys", params={"user": "carol-http"})
        assert listing.status_code == 200, listing.text
        (shown,) = listing.json()
        assert shown["key_id"] == body["key_id"]
        assert body["key"] not in listing.text
        assert key_hash(body["key"]) not in listing.text
        everyone = await client.get("/api/admin/keys")
        assert body["key_id"] in {k["key_id"] for k in everyone.json()}

        gone = await client.delete(f"/api/admin/keys/{body['key_id']}")
        assert gone.status_code == 204, gone.text
        again = await client.delete(f"/api/admin/keys/{body['key_id']}")
        assert again.status_code == 204, again.text
        (shown,) = (await client.get("/api/admin/keys", params={"user": "carol-http"})).json()
        assert shown["revoked_at"] is not None

        for unknown in ("0" * 16, "not-a-key-id"):
            missing = await client.delete(f"/api/admin/keys/{unknown}")
            assert missing.status_code == 404, missing.text
            assert missing.headers["content-type"].startswith("application/problem+json")

        for bad in ({"user": ""}, {"user": "x", "scopes": []}, {"user": "x", "scopes": ["root"]},
                    {"name": "no user"}, {"user": " "}):
            refused = await client.post("/api/admin/keys", json=bad)
            assert refused.status_code == 400, (bad, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
        blank_user = await client.get("/api/admin/keys", params={"user": " "})
        assert blank_user.status_code == 400, blank_user.text
    assert await events_holding(stack, body["key"]) == 0

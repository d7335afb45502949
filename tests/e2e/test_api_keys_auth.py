"""API keys on a stack that authenticates them (`VIDEOGEN_AUTH=apikey`): the first admin
key comes from the CLI, the admin endpoints need it (401 without a key, 403 with a user's),
and a key revoked through them stops working within a second."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import structlog
from videogen_gateway.access.keys_cli import run_keys
from videogen_local.stack import Stack

from tests.e2e.test_api_keys import deployment_of


async def admin_key(stack: Stack, capsys: pytest.CaptureFixture[str]) -> str:
    """A key with the admin scope, made as an operator makes the first one: by the CLI."""
    capsys.readouterr()
    with structlog.testing.capture_logs():
        status = await run_keys(["create", "--user", "root-ops", "--scope", "admin"],
                                deployment_of(stack))
    out, err = capsys.readouterr()
    assert status == 0, err
    return out.strip()


async def test_the_admin_endpoints_need_an_admin_key_and_revocation_holds_within_a_second(
    apikey_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    auth_stack = apikey_stack
    admin = {"Authorization": f"Bearer {await admin_key(auth_stack, capsys)}"}
    async with httpx.AsyncClient(base_url=auth_stack.base_url, timeout=30) as client:
        anonymous = await client.post("/api/admin/keys", json={"user": "dana"})
        assert anonymous.status_code == 401, anonymous.text
        assert anonymous.headers["www-authenticate"].startswith("Bearer")

        made = await client.post("/api/admin/keys", json={"user": "dana"}, headers=admin)
        assert made.status_code == 201, made.text
        dana = {"X-API-Key": made.json()["key"]}
        assert made.json()["scopes"] == ["read", "write"]

        # A user's key is authenticated, and lacks the admin scope.
        assert (await client.get("/api/admin/keys", headers=dana)).status_code == 403
        listing = await client.get("/api/admin/keys", params={"user": "dana"}, headers=admin)
        assert listing.status_code == 200, listing.text
        assert [k["key_id"] for k in listing.json()] == [made.json()["key_id"]]

        revoked = await client.delete(f"/api/admin/keys/{made.json()['key_id']}", headers=admin)
        assert revoked.status_code == 204, revoked.text
        started = time.monotonic()
        while (answer := await client.get("/api/admin/keys", headers=dana)).status_code != 401:
            assert time.monotonic() - started < 1.0, answer.text
            await asyncio.sleep(0.05)
        assert answer.headers["www-authenticate"].startswith("Bearer")

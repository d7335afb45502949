"""Schemathesis with API keys required (`VIDEOGEN_AUTH=apikey`), fuzzed by bob, every
operation that takes a project id given alice's: test_schema_fuzz.py's run (its stack, its
checks, its limits), in a file of its own so that both runs, minutes each, go to the two
workers at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.fuzz.conftest import FUZZ_LIMITS
from tests.e2e.fuzz.harness import fuzz, with_parameters


@pytest.fixture(scope="module")
def keyed_stack(_fuzz_stacks: Callable[..., Stack]) -> Stack:
    """test_schema_fuzz's stack, with API keys required (`VIDEOGEN_AUTH=apikey`)."""
    return _fuzz_stacks(VIDEOGEN_AUTH="apikey", **FUZZ_LIMITS)


def mint_key(stack: Stack, user: str) -> str:
    """A key of `user`'s, made with the operator's CLI (which prints it once)."""
    done = subprocess.run(
        [sys.executable, "-m", "videogen_gateway", "keys", "create", "--user", user,
         "--scope", "read", "--scope", "write"],
        env=stack.env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.timeout(600)
def test_with_api_keys_another_users_project_is_a_declared_404(
    keyed_stack: Stack, tmp_path: Path
) -> None:
    """With keys required, bob fuzzes every operation that takes a project id, each given
    alice's project: whatever he sends, every answer is one the schema declares (the
    guard's 404 for an id that is not his, 401/403/429, the routes' own 400s), no 5xx."""
    alice, bob = (mint_key(keyed_stack, user) for user in ("alice", "bob"))
    with httpx.Client(base_url=keyed_stack.base_url, timeout=60) as api:
        made = api.post("/api/v1/projects", json={"topic": "Volcanoes"},
                        headers={"Authorization": f"Bearer {alice}"})
        assert made.status_code == 201, made.text
        project = made.json()["id"]
        path = f"/api/v1/projects/{project}"
        assert api.get(path, headers={"Authorization": f"Bearer {alice}"}).status_code == 200
        assert api.get(path, headers={"Authorization": f"Bearer {bob}"}).status_code == 404
        assert api.get(path).status_code == 401
    config = with_parameters(tmp_path / "schemathesis.toml", project_id=project)
    report = fuzz(keyed_stack.base_url, tmp_path / "report", "--include-path-regex",
                  r"\{project_id\}", "-H", f"Authorization: Bearer {bob}", config=config,
                  timeout=540)
    assert report.operations > 10, report.output
    assert not report.failures, f"{report.summary()}\n\n{report.output}"
    assert report.returncode == 0, report.output

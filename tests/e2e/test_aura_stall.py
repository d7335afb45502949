"""Stall detection end to end, with the limits made short (VIDEOGEN_STALL_WARN_SECONDS=6,
VIDEOGEN_STALL_FAIL_SECONDS=8) and the media service down, so narration never starts:
the stream keeps the quiet connection alive with heartbeats (every 5 s), warns, then the
job fails with STALL_TIMEOUT; with the service back, a retry finishes it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import create_job, read_events, wait_for

pytestmark = pytest.mark.slow


async def test_a_job_that_stops_moving_is_warned_then_failed_and_can_be_retried(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(VIDEOGEN_STALL_WARN_SECONDS="6", VIDEOGEN_STALL_FAIL_SECONDS="8")
    stack.kill("media")
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as api:
        job_id = await create_job(api)
        comments: list[str] = []
        events = await read_events(api, job_id, within=60, comments=comments)
        names = [e.event for e in events]
        # 6 s without a message before the warning: a heartbeat came in between.
        assert ": heartbeat" in comments
        assert "warning" in names
        assert names[-1] == "job-failed"
        warning = next(e.data for e in events if e.event == "warning")
        assert warning["code"] == "STALL_WARNING"
        assert warning["step"] == "Voice"
        assert names.index("warning") < names.index("job-failed")
        failed = events[-1].data
        assert failed["status"] == "Failed"
        assert [e["code"] for e in failed["errors"]] == ["STALL_TIMEOUT"]
        step_error = next(e.data for e in events if e.event == "step-error")
        assert step_error["step"] == "Voice"
        assert step_error["code"] == "STALL_TIMEOUT"
        assert step_error["remediation"]

        job = (await api.get(f"/api/jobs/{job_id}")).json()
        assert job["status"] == "Failed"
        assert [w["code"] for w in job["warnings"]] == ["STALL_WARNING"]
        assert job["errors"][0]["code"] == "STALL_TIMEOUT"

        stack.start("media")
        # The readiness probe pings every service: the media service answers once its
        # voice is loaded (a stalled start would just fail the job again).
        stack.wait_ready()
        retried = await api.post(f"/api/jobs/{job_id}/retry")
        assert retried.status_code == 202, retried.text
        done = await wait_for(api, job_id, {"Succeeded", "Failed"})
        assert done["status"] == "Succeeded", done["errors"]
        assert done["errors"] == []

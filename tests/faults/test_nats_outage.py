"""kill -9 and SIGSTOP of nats-server under a running stack (scenarios.py says what is proven).

The server is the test's own and the launcher's supervisor restarts it (conftest.py).
"""

from __future__ import annotations

import pytest
from videogen_local.supervision import SupervisedStack

from .scenarios import gateway_starts_without_nats, kill_mid_jobs, pause

pytestmark = pytest.mark.slow

SERVER = "nats"


@pytest.mark.timeout(900)
async def test_jobs_finish_after_nats_is_killed_mid_job(
    supervised_stack: SupervisedStack,
) -> None:
    await kill_mid_jobs(supervised_stack, SERVER, follow_stream=True)


@pytest.mark.timeout(600)
async def test_a_paused_nats_gives_bounded_503s_then_recovers(
    supervised_stack: SupervisedStack,
) -> None:
    await pause(supervised_stack, SERVER)


@pytest.mark.timeout(600)
async def test_the_gateway_starts_and_serves_reads_without_nats(
    supervised_stack: SupervisedStack,
) -> None:
    await gateway_starts_without_nats(supervised_stack)

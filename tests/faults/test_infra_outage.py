"""kill -9 and SIGSTOP of nats-server and of PostgreSQL under a running stack.

scenarios.py says what each proves. The servers are the test's own, and the launcher's
supervisor restarts them (conftest.py). Only through NATS does an Aura SSE stream stay open
for the whole outage (it is fed by the read models, which PostgreSQL's death interrupts).
"""

from __future__ import annotations

import pytest
from videogen_local.supervision import SupervisedStack

from .scenarios import gateway_starts_without_nats, kill_mid_jobs, pause

pytestmark = pytest.mark.slow

SERVERS = ["nats", "postgres"]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("server", SERVERS)
async def test_jobs_finish_after_a_kill_mid_job(
    supervised_stack: SupervisedStack, server: str
) -> None:
    await kill_mid_jobs(supervised_stack, server, follow_stream=server == "nats",
                        socket_misses_nothing=server == "postgres")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("server", SERVERS)
async def test_a_paused_server_gives_bounded_503s_then_recovers(
    supervised_stack: SupervisedStack, server: str
) -> None:
    await pause(supervised_stack, server)


@pytest.mark.timeout(600)
async def test_the_gateway_starts_and_serves_reads_without_nats(
    supervised_stack: SupervisedStack,
) -> None:
    await gateway_starts_without_nats(supervised_stack)

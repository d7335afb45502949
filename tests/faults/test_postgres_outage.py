"""kill -9 and SIGSTOP of PostgreSQL under a running stack (scenarios.py says what is proven).

The server is the test's own and the launcher's supervisor restarts it (conftest.py).
"""

from __future__ import annotations

import pytest
from videogen_local.supervision import SupervisedStack

from .scenarios import kill_mid_jobs, pause

pytestmark = pytest.mark.slow

SERVER = "postgres"


@pytest.mark.timeout(900)
async def test_jobs_finish_after_postgres_is_killed_mid_job(
    supervised_stack: SupervisedStack,
) -> None:
    await kill_mid_jobs(supervised_stack, SERVER)


@pytest.mark.timeout(600)
async def test_a_paused_postgres_gives_bounded_503s_then_recovers(
    supervised_stack: SupervisedStack,
) -> None:
    await pause(supervised_stack, SERVER)

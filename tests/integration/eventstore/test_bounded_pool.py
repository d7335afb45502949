"""The pool's acquire is bounded in time when it has to wait, and free when it need not."""

from __future__ import annotations

import asyncio
import time

import pytest
from videogen_eventstore.pool import create_pool


async def test_waiting_for_a_busy_pool_gives_up_after_the_acquire_timeout(pg_url: str) -> None:
    pool = await create_pool(pg_url, min_size=1, max_size=1, acquire_timeout=0.3)
    try:
        async with pool.acquire() as held:
            assert await held.fetchval("SELECT 1") == 1
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await pool.fetchval("SELECT 2")
            waited = time.monotonic() - started
        assert 0.25 <= waited < 2.0
        # Released, the connection serves the next caller at once.
        assert await pool.fetchval("SELECT 3") == 3
    finally:
        await pool.close()


async def test_a_caller_that_waits_gets_the_connection_once_it_is_released(pg_url: str) -> None:
    pool = await create_pool(pg_url, min_size=1, max_size=1, acquire_timeout=5.0)
    try:
        async with pool.acquire() as held:
            waiting = asyncio.create_task(pool.fetchval("SELECT 4"))
            await asyncio.sleep(0.1)
            assert not waiting.done()
            await held.fetchval("SELECT 1")
        assert await asyncio.wait_for(waiting, 2.0) == 4
    finally:
        await pool.close()

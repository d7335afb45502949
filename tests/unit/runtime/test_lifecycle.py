"""A background loop that crashes is started again, and stops for good when its stack closes."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from videogen_runtime.lifecycle import run_until_closed


async def test_a_crashed_loop_is_started_again_until_the_stack_closes() -> None:
    starts = 0
    running = asyncio.Event()

    async def loop(stop: asyncio.Event) -> None:
        nonlocal starts
        starts += 1
        if starts < 3:
            raise ConnectionError("the database crashed mid-protocol")
        running.set()
        await stop.wait()

    async with AsyncExitStack() as stack:
        task = await run_until_closed(stack, loop, "flaky", restart_after=0.01)
        await asyncio.wait_for(running.wait(), 5)
        assert not task.done()
    assert starts == 3
    assert task.done()
    assert task.exception() is None


async def test_a_loop_that_ends_by_itself_is_not_restarted() -> None:
    starts = 0

    async def loop(stop: asyncio.Event) -> None:
        nonlocal starts
        starts += 1

    async with AsyncExitStack() as stack:
        task = await run_until_closed(stack, loop, "once", restart_after=0.01)
        await asyncio.wait_for(task, 5)
    assert starts == 1

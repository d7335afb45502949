"""Run a service until SIGINT/SIGTERM, then shut its parts down in reverse order."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any

import structlog

log = structlog.get_logger()


async def run_until_signalled(start: Callable[[AsyncExitStack], Awaitable[object]]) -> None:
    """`start` enters its resources on the stack; they close, in reverse, after a signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        await start(stack)
        log.info("service.started")
        await stop.wait()
        log.info("service.stopping")
    log.info("service.stopped")


async def run_until_closed(
    stack: AsyncExitStack, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]], name: str
) -> asyncio.Task[None]:
    """Run a background loop (a consumer, a work queue) until `stack` closes.

    Closing sets the loop's `stop` event and waits for it to finish what it has in hand.
    A loop that crashed is logged when it crashes, and does not keep the rest of the
    stack from closing.
    """
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop), name=name)
    task.add_done_callback(_log_crash)

    async def stop_task() -> None:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(stop_task)
    return task


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("loop.crashed", loop=task.get_name(), exc_info=task.exception())

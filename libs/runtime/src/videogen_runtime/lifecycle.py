"""Run a service until SIGINT/SIGTERM, then shut its parts down in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
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
    stack: AsyncExitStack, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]], name: str,
    *, restart_after: float = 0.5,
) -> asyncio.Task[None]:
    """Run a background loop (a relay, a consumer, a work queue) until `stack` closes.

    Closing sets the loop's `stop` event and waits for it to finish what it has in hand.
    A loop that crashes is logged and started again after a pause that doubles up to 30 s:
    each of these loops resumes from durable state (a checkpoint, a durable consumer), and
    one that stayed dead (an error no handler expected, say from a database that crashed
    mid-protocol) would leave the process up but deaf, which no supervisor would notice.
    """
    stop = asyncio.Event()

    async def supervised() -> None:
        pause = restart_after
        while not stop.is_set():
            try:
                await run(stop)
                return
            except Exception:
                log.exception("loop.crashed", loop=name, restart_in=pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            pause = min(pause * 2, 30.0)

    task = asyncio.create_task(supervised(), name=name)

    async def stop_task() -> None:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(stop_task)
    return task

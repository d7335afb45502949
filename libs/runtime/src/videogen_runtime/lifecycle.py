"""Run a service until SIGINT/SIGTERM, then shut its parts down in reverse order."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

import structlog

log = structlog.get_logger()


async def run_until_signalled(
    start: Callable[[AsyncExitStack, asyncio.Event], Awaitable[None]],
) -> None:
    """`start` enters its resources on the stack and may watch `stop`; we wait for a signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        await start(stack, stop)
        log.info("service.started")
        await stop.wait()
        log.info("service.stopping")
    log.info("service.stopped")

"""Connecting to NATS, and draining the connection on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from nats.aio.client import Client

log = structlog.get_logger("videogen_bus.connection")

# Reconnect forever, quickly: a service must outlive a NATS restart and must also start
# before NATS does (nats-py retries the *initial* connect too when reconnects are allowed).
# Publishes made while disconnected are buffered up to `pending_size` bytes.
DEFAULTS: dict[str, Any] = {
    "allow_reconnect": True,
    "max_reconnect_attempts": -1,
    "reconnect_time_wait": 0.5,
    "connect_timeout": 2,
    "ping_interval": 20,
    "max_outstanding_pings": 3,
    "drain_timeout": 30,
}

# Work that must finish before a connection drains (in-flight command handlers that still
# have to reply). Keyed weakly so a forgotten client does not leak.
_before_drain: weakref.WeakKeyDictionary[Client, list[Callable[[], Awaitable[None]]]] = (
    weakref.WeakKeyDictionary()
)


# Initial connects still running in the background (`connect(wait=False)`), by client.
_connecting: weakref.WeakKeyDictionary[Client, asyncio.Task[None]] = weakref.WeakKeyDictionary()


async def connect(url: str, name: str, *, wait: bool = True, **kw: Any) -> Client:
    """Connect with our reconnect policy; `kw` overrides any `nats.connect` option.

    `wait=False` returns the client at once and connects in the background (forever, with
    the reconnect policy): a process that can serve without NATS (the gateway's reads) must
    not wait for it to start. Until it connects, `is_connected` is False and publishes fail.
    """

    async def on_disconnected() -> None:
        if not nc.is_closed:  # a close also reports a disconnect; only warn about losses
            log.warning("nats.disconnected", connection=name)

    async def on_reconnected() -> None:
        log.info("nats.reconnected", connection=name, url=_url_of(nc))

    async def on_error(error: Exception) -> None:
        log.warning("nats.error", connection=name, error=repr(error))

    async def on_closed() -> None:
        log.info("nats.closed", connection=name)

    nc = Client()
    options = DEFAULTS | {
        "name": name,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnected,
        "error_cb": on_error,
        "closed_cb": on_closed,
    } | kw

    async def connect_now() -> None:
        await nc.connect(url, **options)
        log.info("nats.connected", connection=name, url=_url_of(nc))

    if wait:
        await connect_now()
    else:
        _connecting[nc] = asyncio.create_task(connect_now(), name=f"nats-connect-{name}")
    return nc


async def until_connected(nc: Client, within: float) -> bool:
    """Wait up to `within` seconds for a `connect(wait=False)` to finish; True if it did."""
    connecting = _connecting.get(nc)
    if connecting is None:
        return nc.is_connected
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(connecting), within)
    return nc.is_connected


def _url_of(nc: Client) -> str:
    url = nc.connected_url
    return f"{url.hostname}:{url.port}" if url else "?"


def before_drain(nc: Client, hook: Callable[[], Awaitable[None]]) -> None:
    """Run `hook` when `drain(nc)` starts, before the connection stops (rpc uses it)."""
    _before_drain.setdefault(nc, []).append(hook)


async def drain(nc: Client) -> None:
    """Stop taking work, let in-flight work finish and reply, flush, then close."""
    for hook in _before_drain.pop(nc, []):
        await hook()
    connecting = _connecting.pop(nc, None)
    if connecting is not None and not connecting.done():
        connecting.cancel()  # never connected: nothing to drain
        with contextlib.suppress(asyncio.CancelledError):
            await connecting
        return
    if nc.is_closed:
        return
    if nc.is_connecting or nc.is_reconnecting:
        # drain needs a live connection; with none there is nothing left to flush anyway.
        await nc.close()
        return
    await nc.drain()


@asynccontextmanager
async def bus_connection(url: str, name: str, **kw: Any) -> AsyncIterator[Client]:
    nc = await connect(url, name, **kw)
    try:
        yield nc
    finally:
        await drain(nc)

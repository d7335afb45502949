"""A continuous pull on one durable consumer, with one pull request open at a time.

Why not `PullSubscription.fetch`: nats-py's fetch waits for every message of a batch with
`next_msg`, which creates a task, a timer and a uuid per message; that alone capped our
consume rate near 25k msg/s. Here the inbox callback appends to a deque and a batch is
taken as a whole, so the per-message cost is the protocol parse and our handler.

Flow control: a new pull request is sent only when the open one is finished (all of its
messages arrived, or the server ended it with a status) AND fewer than `batch` messages
wait in the buffer, so at most about two batches are ever delivered-but-unacked. While the
handler works through one batch, the next is already on its way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque

import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

log = structlog.get_logger("videogen_bus.pull")

STATUS = "Status"
DESCRIPTION = "Description"
_HEARTBEAT = "100"
_RECHECK = 0.5
# Bounds close(): a PING/PONG with a live server takes milliseconds, even on a busy host.
_DRAIN_WAIT = 5.0
# Statuses after which this consumer cannot be pulled from until it is created again.
_GONE = ("consumer deleted", "consumer is push based")


class ConsumerGone(Exception):
    """The durable consumer was deleted (or replaced) under us."""


class PullFeed:
    def __init__(
        self,
        nc: Client,
        stream: str,
        consumer: str,
        *,
        batch: int,
        expires: float = 2.0,
        api_prefix: str = "$JS.API",
    ) -> None:
        self._nc = nc
        self._next_subject = f"{api_prefix}.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._batch = batch
        # A request lost without a reconnect we can see is given up on after it expires.
        self._expires = expires
        self._inbox = nc.new_inbox()
        self._sub: Subscription | None = None
        self._buffer: deque[Msg] = deque()
        self._wake = asyncio.Event()
        self._request_no = 0
        self._owed = 0  # messages the open request may still deliver
        self._deadline = 0.0  # when we stop believing in the open request
        self._gone: str | None = None
        self._paused_until = 0.0
        self._reconnects = 0

    async def start(self) -> None:
        self._sub = await self._nc.subscribe(f"{self._inbox}.*", cb=self._on_message)

    async def take(self, max_wait: float) -> list[Msg]:
        """All buffered messages; waits up to `max_wait` for one when there are none."""
        give_up = time.monotonic() + max_wait
        while not self._buffer and not self._gone:
            await self._request_more()
            left = give_up - time.monotonic()
            if left <= 0:
                break
            self._wake.clear()
            # Wake at least every _RECHECK to notice a request lost in a reconnect.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(left, _RECHECK)):
                    await self._wake.wait()
        if self._gone:
            raise ConsumerGone(self._gone)
        msgs = list(self._buffer)
        self._buffer.clear()
        await self._request_more()
        return msgs

    async def close(self) -> list[Msg]:
        """Stop pulling; return what was delivered but not taken (to be nak'ed).

        The open pull request outlives us on the server until it expires, and the server
        sends it whatever it can, the naks' redeliveries included. A plain unsubscribe
        drops, unseen, what is on the wire or queued in the client when it runs, and each
        dropped message waits out `ack_wait` before anyone gets it. So the subscription is
        drained: UNSUB, then a PING/PONG round trip, after which the server has processed
        the UNSUB and everything it sent before has reached `_on_message`. What the caller
        naks after this finds no interest on the old request, so it goes to the next pull.
        """
        sub, self._sub = self._sub, None  # first: no new pull request from _on_message
        if sub is not None and self._nc.is_connected:
            try:
                async with asyncio.timeout(_DRAIN_WAIT):
                    await sub.drain()  # type: ignore[no-untyped-call]  # nats-py: untyped
            except (TimeoutError, nats.errors.Error) as error:
                # NATS went away meanwhile: what it sent is lost to us either way, and is
                # redelivered after ack_wait.
                log.warning("pull.drain_failed", error=repr(error))
                with contextlib.suppress(nats.errors.Error):
                    await sub.unsubscribe()
        elif sub is not None and not (self._nc.is_closed or self._nc.is_draining):
            await sub.unsubscribe()  # reconnecting: the server has forgotten the request
        left = list(self._buffer)
        self._buffer.clear()
        return left

    async def _request_more(self) -> None:
        now = time.monotonic()
        reconnects = self._nc.stats["reconnects"]
        if self._owed and (now > self._deadline or reconnects != self._reconnects):
            # Lost: the server forgets the pull requests of a connection that dropped.
            self._owed = 0
        if self._owed or len(self._buffer) >= self._batch or now < self._paused_until:
            return
        if self._sub is None or self._nc.is_closed or self._nc.is_draining:
            return
        self._request_no += 1
        self._reconnects = reconnects
        self._owed = self._batch
        self._deadline = now + self._expires + 1.0
        request = {"batch": self._batch, "expires": int(self._expires * 1e9)}
        await self._nc.publish(
            self._next_subject, json.dumps(request).encode(),
            reply=f"{self._inbox}.{self._request_no}",
        )

    async def _on_message(self, msg: Msg) -> None:
        headers = msg.headers
        # Status messages (end of request, heartbeat) are bodiless and carry a Status header.
        status = headers.get(STATUS) if headers and not msg.data else None
        if status is None:
            self._buffer.append(msg)
            self._owed = max(0, self._owed - 1)
            self._wake.set()
            if not self._owed:
                await self._request_more()
            return
        if status == _HEARTBEAT or msg.subject != f"{self._inbox}.{self._request_no}":
            return  # heartbeats, and the end of a request we had already given up on
        self._on_request_ended(status, (headers or {}).get(DESCRIPTION, ""))
        self._wake.set()

    def _on_request_ended(self, status: str, description: str) -> None:
        """404/408: the request ran out or expired (normal). 409: the server refused it."""
        self._owed = 0
        if status != "409":
            return
        if description.lower() in _GONE:
            self._gone = description
            return
        # e.g. "Exceeded MaxWaiting", "Leadership Change": retry, but not in a hot loop.
        log.warning("pull.refused", status=status, description=description)
        self._paused_until = time.monotonic() + 0.5

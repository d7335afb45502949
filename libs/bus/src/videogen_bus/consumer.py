"""The durable pull-consumer loop shared by projections, process managers and workers.

Delivery is at-least-once. A handler writes its effect and a tracking row `(consumer,
event_id)` in ONE transaction; we ack only after it returns (after that commit), so a crash
between commit and ack means a redelivery the tracking row turns into a no-op, and a crash
before the commit means a redelivery that does the work for the first time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from typing import Protocol

import msgspec
import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import APIError, BadRequestError
from structlog.contextvars import bind_contextvars, reset_contextvars
from videogen_contracts.envelope import RecordedEvent, decode_recorded

from videogen_bus.actor import acting_as, owner_actor
from videogen_bus.correlation import correlation_scope
from videogen_bus.headers import correlation_of
from videogen_bus.pull import ConsumerGone, PullFeed

log = structlog.get_logger("videogen_bus.consumer")

EventHandler = Callable[[RecordedEvent, Msg], Awaitable[None]]


class TransientError(Exception):
    """The handler could not finish now (a dependency is down); redeliver after a backoff."""


class PoisonMessage(Exception):
    """The handler can never process this message: dead-letter it at once, do not retry."""


class DeadLetterSink(Protocol):
    """Where messages we give up on are kept for a human (a Postgres table in production)."""

    async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None: ...


def exponential_backoff(attempt: int, *, base: float = 0.5, cap: float = 60.0) -> float:
    """Delay before delivery `attempt + 1`: doubling per attempt, "equal jitter".

    Half the delay is fixed so retries never hammer a dependency that is down; the other
    half is random so the replicas that failed together do not retry together.
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return float(ceiling / 2 + random.uniform(0, ceiling / 2))


def consumer_config(
    durable: str, filter_subjects: list[str] | None, *, ack_wait: float
) -> ConsumerConfig:
    config = ConsumerConfig(
        name=durable,
        durable_name=durable,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait,
        # Unlimited on the server: when the server gives up it only emits an advisory, and
        # the message is gone. We count deliveries ourselves and dead-letter on the last.
        max_deliver=-1,
        max_ack_pending=10_000,
    )
    if filter_subjects and len(filter_subjects) == 1:
        config.filter_subject = filter_subjects[0]
    elif filter_subjects:
        config.filter_subjects = list(filter_subjects)
    return config


async def ensure_consumer(
    js: JetStreamContext,
    stream: str,
    durable: str,
    filter_subjects: list[str] | None,
    *,
    ack_wait: float = 30.0,
) -> None:
    """Create the durable consumer, or bring an existing one to our configuration.

    Creating with a name is create-or-update on the server and a no-op for an identical
    config, so every replica can run this at start-up, concurrently.
    """
    await js.add_consumer(stream, consumer_config(durable, filter_subjects, ack_wait=ack_wait))


class Settler:
    """Decides what happens to one delivered message: ack, nak(delay) or dead-letter+term."""

    def __init__(
        self,
        consumer: str,
        handle: EventHandler,
        dead_letters: DeadLetterSink,
        max_deliver: int,
        backoff: Callable[[int], float],
    ) -> None:
        self.consumer = consumer
        self.handle = handle
        self.dead_letters = dead_letters
        self.max_deliver = max_deliver
        self.backoff = backoff

    async def process(self, msg: Msg) -> None:
        try:
            event = decode_recorded(msg.data)
        except msgspec.DecodeError as error:
            # The body is unreadable, but the relay's headers may still say whose it was.
            with correlation_scope(correlation_of(msg.headers) or "unknown"):
                await self.dead_letter(msg, f"undecodable message: {error}")
            return
        # bind/reset rather than runtime's correlation_scope: same effect, a quarter of the
        # cost, and this runs for every message.
        tokens = bind_contextvars(correlation_id=event.metadata.correlation_id)
        try:
            # A reaction acts for the owner of the stream it reacts to: what it creates is
            # theirs, and it may touch only their streams (None: the system, unrestricted).
            with acting_as(owner_actor(event.metadata.owner)):
                await self.handle(event, msg)
        except PoisonMessage as error:
            await self.dead_letter(msg, f"poison message: {error}")
            return
        except Exception as error:
            # Consumer boundary: any failure becomes a retry with backoff (logged here with
            # the correlation id), or a dead letter on the last delivery.
            await self.failed(msg, error)
            return
        finally:
            reset_contextvars(**tokens)
        if not msg.is_acked:  # a handler may settle the message itself
            # Fire-and-forget ack (no ack-of-ack round trip): if it is lost, the event is
            # redelivered and the tracking row makes that a no-op.
            await msg.ack()

    async def failed(self, msg: Msg, error: Exception) -> None:
        attempt = msg.metadata.num_delivered
        if attempt >= self.max_deliver:
            log.error("consumer.gave_up", consumer=self.consumer, attempt=attempt, exc_info=error)
            await self.dead_letter(msg, f"failed {attempt} times, last: {error!r}")
            return
        delay = self.backoff(attempt)
        if isinstance(error, TransientError):
            log.warning(
                "consumer.retry", consumer=self.consumer, attempt=attempt, delay=round(delay, 3),
                error=repr(error),
            )
        else:
            log.error(
                "consumer.handler_failed", consumer=self.consumer, attempt=attempt,
                delay=round(delay, 3), exc_info=error,
            )
        await msg.nak(delay=delay)

    async def dead_letter(self, msg: Msg, error: str) -> None:
        try:
            await self.dead_letters.record(self.consumer, msg.subject, msg.data, error)
        except Exception:
            # The sink itself is down (its database, say): keep the message in the stream
            # and try again later rather than term it unrecorded.
            log.exception("consumer.dead_letter_failed", consumer=self.consumer)
            await msg.nak(delay=self.backoff(msg.metadata.num_delivered))
            return
        log.error(
            "consumer.dead_lettered", consumer=self.consumer, subject=msg.subject, error=error
        )
        await msg.term()


async def run_consumer(
    js: JetStreamContext,
    *,
    stream: str,
    durable: str,
    filter_subjects: list[str] | None,
    handle: EventHandler,
    dead_letters: DeadLetterSink,
    stop: asyncio.Event,
    batch: int = 100,
    max_deliver: int = 20,
    ack_wait: float = 30,
    backoff: Callable[[int], float] = exponential_backoff,
    idle_wait: float = 5.0,
) -> None:
    """Consume `stream` through durable `durable` until `stop` is set.

    Messages are handled one at a time, in stream order. On `stop`, the message in hand is
    finished (and acked); the rest of what was delivered is nak'ed so that another replica
    takes it at once instead of after `ack_wait`. Up to about two batches are delivered
    ahead of the handler, so `batch` times the handling time must stay well under `ack_wait`:
    long work (TTS, ffmpeg) uses `batch=1` and calls `msg.in_progress()` while it runs.
    """
    settler = Settler(durable, handle, dead_letters, max_deliver, backoff)
    stopped = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            if not await _bind(js, stream, durable, filter_subjects, ack_wait, stopped):
                return
            feed = _feed(js, stream, durable, batch)
            await feed.start()
            unhandled: list[Msg] = []
            try:
                unhandled = await _consume(feed, settler, stop, stopped, idle_wait)
            except ConsumerGone as gone:
                log.warning("consumer.gone", consumer=durable, reason=str(gone))
                await asyncio.wait((stopped,), timeout=1.0)
            except nats.errors.ConnectionClosedError:
                raise
            except (nats.errors.Error, OSError) as error:
                # NATS away for long (the client's reconnect buffer full, an ack or a pull
                # request refused): the loop must outlive it. Unacked messages are
                # redelivered after ack_wait; bind again once it is back.
                log.warning("consumer.interrupted", consumer=durable, error=repr(error))
                await asyncio.wait((stopped,), timeout=1.0)
            finally:
                # Nak only once the feed is closed: a nak sent while our pull request is
                # still open on the server is redelivered to it, and lost (pull.py).
                left = await feed.close()
                await _release(unhandled + left)
    except nats.errors.ConnectionClosedError:
        log.warning("consumer.connection_closed", consumer=durable)
    finally:
        stopped.cancel()


async def _bind(
    js: JetStreamContext,
    stream: str,
    durable: str,
    filter_subjects: list[str] | None,
    ack_wait: float,
    stopped: asyncio.Task[bool],
) -> bool:
    """Ensure the consumer, waiting out what heals by itself; False if stopped meanwhile."""
    while True:
        try:
            await ensure_consumer(js, stream, durable, filter_subjects, ack_wait=ack_wait)
            return True
        except BadRequestError:
            raise  # our configuration is wrong: waiting will not fix it
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError, APIError) as error:
            # No stream yet (its owner creates it at start-up), JetStream electing a leader,
            # NATS reconnecting: try again shortly.
            log.warning("consumer.not_ready", consumer=durable, error=repr(error))
            done, _ = await asyncio.wait((stopped,), timeout=1.0)
            if done:
                return False


def _feed(js: JetStreamContext, stream: str, durable: str, batch: int) -> PullFeed:
    # nats-py keeps the connection and API prefix (JetStream domain) on the context as
    # private attributes; we need both to send our own pull requests (see pull.py).
    return PullFeed(js._nc, stream, durable, batch=batch, api_prefix=js._prefix)


async def _consume(
    feed: PullFeed,
    settler: Settler,
    stop: asyncio.Event,
    stopped: asyncio.Task[bool],
    idle_wait: float,
) -> list[Msg]:
    """Handle what the feed delivers until `stop`; return what was taken but not handled."""
    while not stop.is_set():
        take = asyncio.ensure_future(feed.take(idle_wait))
        await asyncio.wait((take, stopped), return_when=asyncio.FIRST_COMPLETED)
        if not take.done():
            take.cancel()  # stopping while idle: nothing in hand
            with contextlib.suppress(asyncio.CancelledError):
                await take
            return []
        msgs = take.result()
        for index, msg in enumerate(msgs):
            if stop.is_set():
                return msgs[index:]
            await settler.process(msg)
    return []


async def _release(msgs: list[Msg]) -> None:
    """Give back delivered messages we will not handle, for immediate redelivery."""
    for msg in msgs:
        with contextlib.suppress(nats.errors.Error):
            await msg.nak()

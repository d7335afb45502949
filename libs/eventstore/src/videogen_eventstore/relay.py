"""The outbox relay: publishes a service's events table to its JetStream stream.

Delivery is at-least-once and effectively-once:
- it reads in commit-safe order from its checkpoint (`read_all`), so it never skips;
- it publishes a batch pipelined, waits for every ack, and only then moves the checkpoint,
  so a crash or a NATS outage re-publishes from the last checkpoint and never loses;
- every message carries `Nats-Msg-Id = event_id`, so JetStream's duplicate window drops
  what a retry publishes twice.

It sleeps until a NOTIFY on `<schema>_events` wakes it (sent after an append commits, see
notify.py), and polls as a fallback (a lost notification, a restarted listener connection).
One relay per schema publishes at a time: it holds a session advisory lock on its listening
connection, and replicas that do not get the lock stand by, taking over when the holder's
connection goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

import asyncpg
import nats.errors
import structlog
from nats.js import JetStreamContext
from nats.js.api import PubAck
from videogen_bus.headers import event_headers
from videogen_contracts.envelope import RecordedEvent, encode_recorded
from videogen_contracts.subjects import Namespace

from .api import START, Position, position_of
from .checkpoints import load_checkpoint, save_checkpoint
from .db import DATABASE_FAILURES
from .migrations import notify_channel
from .postgres import PostgresEventStore

if TYPE_CHECKING:
    from .db import Conn

log = structlog.get_logger(__name__)

CHECKPOINT = "relay"
# Failures we wait out and retry from the checkpoint: NATS down, slow, or without the stream.
_NATS_FAILURES = (nats.errors.Error, asyncio.TimeoutError, OSError)
# ... and PostgreSQL gone, restarting or refusing connections for now.
_PG_FAILURES: tuple[type[Exception], ...] = (*DATABASE_FAILURES, OSError)
_UNLOCK_FAILURES: tuple[type[Exception], ...] = (*_PG_FAILURES, asyncpg.PostgresError)
_FAST_RECHECK = 0.005


class Relay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        schema: str,
        service: str,
        js: JetStreamContext,
        ns: Namespace,
        *,
        poll_interval: float = 0.5,
        batch: int = 500,
        publish_timeout: float = 5.0,
        max_backoff: float = 2.0,
    ) -> None:
        self._pool = pool
        self._schema = schema
        self._service = service
        self._js = js
        self._ns = ns
        self._store = PostgresEventStore(pool, schema, service)
        self._poll_interval = poll_interval
        self._batch = batch
        self._publish_timeout = publish_timeout
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._progress = asyncio.Condition()
        self._lock_key = f"videogen.relay/{schema}"
        # Observable progress (tests, health, metrics).
        self.position: Position = START
        self.published = 0
        self.duplicates = 0
        self.failures = 0
        self.leading = False

    async def caught_up(self) -> Position:
        """Wait until everything committed before this call has been published and acked.

        On a standby relay (another replica holds the lock) this waits until it leads.
        """
        target = await self._store.committed_head()
        async with self._progress:
            await self._progress.wait_for(lambda: self.position >= target)
        return self.position

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; database and NATS failures are waited out, not raised."""
        backoff = 0.05
        while not stop.is_set():
            try:
                async with self._leadership() as listener:
                    if listener is None:
                        await _wait_any(stop, seconds=self._poll_interval * 4)
                        continue
                    backoff = 0.05
                    await self._relay_until(stop, listener)
            except _PG_FAILURES as exc:
                log.warning("relay.database_unavailable", schema=self._schema, error=repr(exc))
                await _wait_any(stop, seconds=backoff)
                backoff = min(backoff * 2, self._max_backoff)

    @contextlib.asynccontextmanager
    async def _leadership(self) -> AsyncIterator[Conn | None]:
        """A dedicated connection: LISTENs for appends and holds the relay lock of the schema."""
        async with self._pool.acquire() as conn:
            try:
                got = await conn.fetchval(
                    "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", self._lock_key
                )
            except BaseException:
                # The lock may have been granted as the answer timed out: a session that
                # might hold it is not given back to the pool (see _give_up_lock).
                conn.terminate()
                raise
            if not got:
                yield None
                return
            try:
                await conn.add_listener(notify_channel(self._schema), self._on_notify)
                self.leading = True
                yield conn
            finally:
                self.leading = False
                await self._give_up_lock(conn)

    async def _give_up_lock(self, conn: Conn) -> None:
        """Release the relay lock, or end the session that holds it.

        The pool gives connections back without resetting them (pool.py), so one given
        back still holding the lock keeps it for as long as it lives, and every relay of
        the schema, this one included, stands by while the service's events go unpublished.
        A server that stops answering mid-relay (SIGSTOP, a partition) did that: the read
        timed out, then the first statement of the unlock did, and when the server answered
        again before asyncpg gave up on cancelling it, the session survived and went back
        to the pool with the lock (a job whose request was never published stalled; see
        tests/integration/eventstore/test_relay.py). Terminated instead, the session ends
        when the server next reads its socket, and the lock with it.
        """
        if conn.is_closed():
            return
        released = False
        try:
            await conn.remove_listener(notify_channel(self._schema), self._on_notify)
            released = await conn.fetchval(
                "SELECT pg_advisory_unlock(hashtextextended($1, 0))", self._lock_key
            )
        except _UNLOCK_FAILURES as exc:
            log.warning("relay.unlock_failed", schema=self._schema, error=repr(exc))
        finally:  # cancelled mid-unlock (shutdown) included
            if not released:
                conn.terminate()

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _relay_until(self, stop: asyncio.Event, listener: Conn) -> None:
        # A restarted relay may have nothing left to publish: the loaded checkpoint alone
        # must release `caught_up()` waiters, or they would wait for progress never made.
        await self._advance(await load_checkpoint(self._pool, self._schema, CHECKPOINT))
        delay = _FAST_RECHECK
        backoff = 0.05
        while not stop.is_set():
            if listener.is_closed():
                raise asyncpg.InterfaceError("relay listener connection closed")
            # Cleared before reading: a NOTIFY arriving during the read wakes the next wait.
            self._wake.clear()
            events = await self._store.read_all(self.position, self._batch)
            if events:
                if await self._publish_batch(events):
                    backoff, delay = 0.05, _FAST_RECHECK
                    continue
                await _wait_any(stop, seconds=backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            # Nothing visible yet. After a wake-up, re-check soon: the new events may be held
            # back by an older transaction still running (xmin), which may not NOTIFY at all.
            woke = await _wait_any(stop, self._wake, seconds=delay)
            delay = _FAST_RECHECK if woke else min(delay * 2, self._poll_interval)

    async def _publish_batch(self, events: Sequence[RecordedEvent]) -> bool:
        """Publish and await every ack, then move the checkpoint. False: retry later."""
        try:
            acks = await self._publish_pipelined(events)
        except _NATS_FAILURES as exc:
            self.failures += 1
            log.warning(
                "relay.publish_failed",
                schema=self._schema,
                error=repr(exc),
                first_event=str(events[0].event_id),
            )
            return False
        last = position_of(events[-1])
        await save_checkpoint(self._pool, self._schema, CHECKPOINT, last)
        self.published += len(acks)
        self.duplicates += sum(1 for a in acks if a.duplicate)
        await self._advance(last)
        return True

    async def _advance(self, position: Position) -> None:
        async with self._progress:
            self.position = position
            self._progress.notify_all()

    async def _publish_pipelined(self, events: Sequence[RecordedEvent]) -> list[PubAck]:
        futures: list[asyncio.Future[PubAck]] = []
        try:
            async with asyncio.timeout(self._publish_timeout):
                for event in events:
                    subject = self._ns.event_subject(
                        self._service, event.metadata.project_id, event.type
                    )
                    futures.append(
                        await self._js.publish_async(
                            subject, encode_recorded(event), headers=event_headers(event)
                        )
                    )
                return list(await asyncio.gather(*futures))
        finally:
            # A future whose ack never comes (the server died) holds a slot of the client's
            # pending-publish semaphore until it is done; cancelling frees the slot.
            for future in futures:
                future.cancel()


async def _wait_any(
    stop: asyncio.Event, wake: asyncio.Event | None = None, *, seconds: float
) -> bool:
    """Sleep up to `seconds`, returning early (True) when `stop` or `wake` is set."""
    events = [stop] if wake is None else [stop, wake]
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        done, _ = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return bool(done)

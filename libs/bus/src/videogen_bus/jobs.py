"""A durable pull consumer used as a bounded work queue: at most N jobs at once per process.

Why it does not use the bus's `run_consumer`: that loop handles one message at a time, and
a job here runs for minutes. This one fetches a message only when one of its `concurrency`
slots is free, so jobs beyond the limit stay in the stream, where any replica with a free
slot can take them (the consumer is shared by every replica: a work queue). A job in hand
is kept alive with `in_progress()` heartbeats, so JetStream does not redeliver a job that
is merely long; if the process dies the heartbeats stop, and after `ack_wait` the job is
redelivered to whichever replica asks next, which resumes it. The message is acked only
after the job's final event is stored.

A job is stopped by cancelling its task: on shutdown its message is handed back at once
(nak), and when its work is no longer wanted (`abandon`) it is acked. Either way the
runner's own clean-up runs on the cancellation (a child process killed, scratch files
removed), so a runner needs no stop flag of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from videogen_contracts.envelope import RecordedEvent, decode_recorded

from videogen_bus.actor import acting_as, owner_actor
from videogen_bus.consumer import DeadLetterSink, PoisonMessage, exponential_backoff
from videogen_bus.correlation import correlation_scope

log = structlog.get_logger("videogen_bus.jobs")


@dataclass(frozen=True, slots=True)
class Delivery:
    """Which delivery of its message a job run is (1 = first)."""

    attempt: int
    max_attempts: int

    @property
    def last(self) -> bool:
        return self.attempt >= self.max_attempts


JobRunner = Callable[[RecordedEvent, Delivery], Awaitable[None]]
# What names a job for `abandon`; it must not raise (a runner rejects bad data itself).
JobKey = Callable[[RecordedEvent], str]


def stream_of(event: RecordedEvent) -> str:
    """The default job key: the trigger event's stream."""
    return event.stream_id


@dataclass(frozen=True, slots=True)
class QueueConfig:
    stream: str
    durable: str
    filter_subject: str
    concurrency: int = 2
    ack_wait: float = 30.0
    # Deliveries of one job before its runner is told it is the last attempt.
    max_attempts: int = 5
    idle_wait: float = 2.0
    # More subjects that start (or restart) a job, besides `filter_subject`.
    extra_subjects: tuple[str, ...] = ()


def work_queue_config(config: QueueConfig) -> ConsumerConfig:
    """Create-or-update config: identical on every replica, so concurrent starts agree."""
    subjects = [config.filter_subject, *config.extra_subjects]
    return ConsumerConfig(
        name=config.durable, durable_name=config.durable, deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT, ack_wait=config.ack_wait,
        # We count deliveries ourselves (Delivery.last) and record a failure event on the
        # last one; a server-side limit would drop the job silently instead.
        max_deliver=-1, filter_subject=subjects[0] if len(subjects) == 1 else None,
        filter_subjects=subjects if len(subjects) > 1 else None,
    )


class JobQueue:
    def __init__(
        self, js: JetStreamContext, config: QueueConfig, run_job: JobRunner,
        dead_letters: DeadLetterSink, *, job_key: JobKey = stream_of,
    ) -> None:
        self._js = js
        self._config = config
        self._run_job = run_job
        self._dead_letters = dead_letters
        self._job_key = job_key
        self._slots = asyncio.Semaphore(config.concurrency)
        self._jobs: set[asyncio.Task[None]] = set()
        # The job running under each key (see `job_key`), and the jobs abandoned on
        # purpose (see `abandon`).
        self._by_key: dict[str, asyncio.Task[None]] = {}
        self._abandoned: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> int:
        return len(self._jobs)

    async def run(self, stop: asyncio.Event) -> None:
        """Take jobs until `stop`; then cancel the jobs in hand and hand them back."""
        c = self._config
        await self._js.add_consumer(c.stream, work_queue_config(c))
        sub = await self._js.pull_subscribe_bind(durable=c.durable, stream=c.stream)
        try:
            while not stop.is_set():
                if not await _acquire_unless_stopped(self._slots, stop):
                    break
                msg = await _fetch_one(sub, c.idle_wait, stop)
                if msg is None:
                    self._slots.release()
                    continue
                task = asyncio.create_task(self._settle(msg), name=f"job-{c.durable}")
                self._jobs.add(task)
                task.add_done_callback(self._finished)
        except nats.errors.ConnectionClosedError:
            log.warning("jobs.connection_closed", durable=c.durable)
        finally:
            await self._cancel_jobs()
            with contextlib.suppress(nats.errors.Error):
                await sub.unsubscribe()

    def abandon(self, key: str) -> bool:
        """Stop the job named `key` (by `job_key`) if it runs here; True if one did.

        For work nobody wants any more (its production was cancelled): the job's task is
        cancelled, so its own clean-up runs (a child process killed, temporary files
        removed), and its message is acked rather than handed back, so no replica takes it
        up again. A later request for the same work arrives as a new message.
        """
        task = self._by_key.get(key)
        if task is None or task.done():
            return False
        self._abandoned.add(task)
        task.cancel()
        return True

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._jobs.discard(task)
        self._abandoned.discard(task)
        for key, running in list(self._by_key.items()):
            if running is task:
                del self._by_key[key]
        self._slots.release()

    async def _cancel_jobs(self) -> None:
        for task in list(self._jobs):
            task.cancel()
        if self._jobs:
            await asyncio.wait(set(self._jobs))

    async def _settle(self, msg: Msg) -> None:
        """Run one job with heartbeats, then ack, nak(delay) or dead-letter its message."""
        try:
            event = decode_recorded(msg.data)
        except msgspec.DecodeError as error:
            await self._dead_letter(msg, f"undecodable message: {error}")
            return
        delivery = Delivery(msg.metadata.num_delivered, self._config.max_attempts)
        heartbeat = asyncio.create_task(_heartbeat(msg, self._config.ack_wait / 3))
        me = asyncio.current_task()
        if me is not None:
            self._by_key[self._job_key(event)] = me
        # The job acts for the owner of the stream that asked for it (see consumer.Settler).
        with (
            correlation_scope(event.metadata.correlation_id, job=str(event.stream_id)),
            acting_as(owner_actor(event.metadata.owner)),
        ):
            try:
                await self._run_job(event, delivery)
            except asyncio.CancelledError:
                if me in self._abandoned:
                    # Abandoned on purpose: done with, not handed back.
                    await self._ack_abandoned(msg, heartbeat, delivery)
                    return
                # Shutdown: give the job back now rather than after ack_wait. Its finished
                # steps are stored, so whoever takes it next resumes from there.
                with contextlib.suppress(nats.errors.Error):
                    await msg.nak()
                log.info("jobs.handed_back", attempt=delivery.attempt)
                raise
            except PoisonMessage as error:
                # It would fail the same way on every delivery: keep it for a human.
                await self._dead_letter(msg, f"poison message: {error}")
                return
            except Exception as error:
                if me in self._abandoned:
                    # Abandoned, but its clean-up raised on the way out instead of the
                    # cancellation (a child process's file still being written as its
                    # scratch directory went, say; an asyncio.TaskGroup then raises the
                    # child's error, not CancelledError). Nobody wants the work: retrying
                    # it would start a cancelled production again.
                    log.info("jobs.abandoned_with_error", error=repr(error))
                    await self._ack_abandoned(msg, heartbeat, delivery)
                    return
                # Worker boundary: the runner records what it can as a failure event; what
                # escapes (the database down, say) is retried after a backoff.
                delay = exponential_backoff(delivery.attempt)
                log.error("jobs.retry", attempt=delivery.attempt, delay=delay, exc_info=error)
                await msg.nak(delay=delay)
                return
            finally:
                heartbeat.cancel()
            await msg.ack()
            log.info("jobs.done", attempt=delivery.attempt)

    async def _ack_abandoned(
        self, msg: Msg, heartbeat: asyncio.Task[None], delivery: Delivery
    ) -> None:
        heartbeat.cancel()
        with contextlib.suppress(nats.errors.Error):
            await msg.ack()
        log.info("jobs.abandoned", attempt=delivery.attempt)

    async def _dead_letter(self, msg: Msg, error: str) -> None:
        await self._dead_letters.record(self._config.durable, msg.subject, msg.data, error)
        log.error("jobs.dead_lettered", subject=msg.subject, error=error)
        await msg.term()


async def _heartbeat(msg: Msg, every: float) -> None:
    """Tell JetStream the job is alive, so it is not redelivered while it runs."""
    while True:
        await asyncio.sleep(every)
        with contextlib.suppress(nats.errors.Error):
            await msg.in_progress()


async def _acquire_unless_stopped(slots: asyncio.Semaphore, stop: asyncio.Event) -> bool:
    acquire = asyncio.ensure_future(slots.acquire())
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait((acquire, stopped), return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if acquire.done() and not stop.is_set():
        return True
    if acquire.done():
        slots.release()
    else:
        acquire.cancel()
    return False


async def _fetch_one(
    sub: JetStreamContext.PullSubscription, idle_wait: float, stop: asyncio.Event
) -> Msg | None:
    """One message, or None after `idle_wait` without one or once `stop` is set."""
    fetch = asyncio.ensure_future(sub.fetch(1, timeout=idle_wait))
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait((fetch, stopped), return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not fetch.done():
        # A message landing in this instant is unacked and comes back after ack_wait.
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, nats.errors.Error):
            await fetch
        return None
    try:
        msgs = fetch.result()
    except nats.errors.TimeoutError:
        return None
    except nats.errors.Error as error:
        # NATS is away (reconnecting): wait it out here instead of ending the worker.
        log.warning("jobs.fetch_failed", error=repr(error))
        await asyncio.sleep(idle_wait)
        return None
    return msgs[0] if msgs else None

"""The work queue against a real NATS: a job abandoned on purpose is done with (acked, never
run again), even when its clean-up raises instead of ending on the cancellation; any other
failure is handed back and runs again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.jobs import Delivery, JobQueue, JobRunner
from videogen_bus.publish import EventPublisher
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace
from videogen_runtime.outages import hand_back

MakeEvent = Callable[..., RecordedEvent]
RunQueue = Callable[[JobRunner], AbstractAsyncContextManager[JobQueue]]  # conftest.run_queue


class ScratchStillBusy(OSError):
    """What a clean-up raises when a child process still writes into the scratch directory
    being removed (rmtree: "Directory not empty")."""


async def test_an_abandoned_job_whose_clean_up_raises_is_acked_not_run_again(
    js: JetStreamContext, nc: Client, ns: Namespace, stream: str, make_event: MakeEvent,
    run_queue: RunQueue,
) -> None:
    deliveries: list[int] = []
    started = asyncio.Event()

    async def run_job(event: RecordedEvent, delivery: Delivery) -> None:
        deliveries.append(delivery.attempt)
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise ScratchStillBusy("Directory not empty") from None

    event = make_event(type="JobRequested")
    await EventPublisher(nc, ns).publish([event])
    async with run_queue(run_job) as queue:
        await asyncio.wait_for(started.wait(), 10)
        assert queue.abandon(event.stream_id)
        # A handed-back job would be delivered again after its backoff (≤ 0.5 s).
        await asyncio.sleep(2.0)
        assert deliveries == [1]
        assert queue.running == 0
    info = await js.consumer_info(stream, ns.durable("test", "jobs"))
    assert (info.num_ack_pending, info.num_pending, info.num_redelivered) == (0, 0, 0)


async def test_a_job_that_fails_without_being_abandoned_runs_again(
    nc: Client, ns: Namespace, make_event: MakeEvent, run_queue: RunQueue
) -> None:
    deliveries: list[int] = []

    async def run_job(event: RecordedEvent, delivery: Delivery) -> None:
        deliveries.append(delivery.attempt)
        if delivery.attempt == 1:
            raise ScratchStillBusy("Directory not empty")

    await EventPublisher(nc, ns).publish([make_event(type="JobRequested")])
    async with run_queue(run_job):
        for _ in range(100):
            if len(deliveries) == 2:
                break
            await asyncio.sleep(0.05)
    assert deliveries == [1, 2]


LAST = Delivery(attempt=5, max_attempts=5)


@pytest.mark.parametrize(
    ("error", "delivery", "handed_back"),
    [
        (ValueError("bad data"), LAST, False),
        (ValueError("bad data"), Delivery(attempt=1, max_attempts=5), True),
        (ConnectionRefusedError("database away"), LAST, True),
    ],
)
async def test_hand_back_retries_all_but_the_last_delivery_and_every_outage(
    error: Exception, delivery: Delivery, handed_back: bool
) -> None:
    assert hand_back(error, delivery) is handed_back


async def test_a_job_being_stopped_hands_its_clean_up_error_back_even_on_the_last_delivery(
) -> None:
    verdicts: list[bool] = []

    async def job() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            verdicts.append(hand_back(ValueError("raised on the way out"), LAST))
            raise

    task = asyncio.create_task(job())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert verdicts == [True]

"""Which failures are the infrastructure away for a moment, not a fault of the work.

PostgreSQL down, restarting or hung, NATS disconnected or without responders: all of it
passes. The gateway answers them 503 (videogen_gateway.unavailable); a worker retries the
job however many deliveries that takes, and never records it as failed for one
(`hand_back`).
"""

from __future__ import annotations

import asyncio

import nats.errors
from videogen_bus.jobs import Delivery
from videogen_eventstore.db import DATABASE_FAILURES

# OSError covers refused and reset connections and every timeout (pool acquire, statement,
# connect): TimeoutError and nats.errors.TimeoutError are OSErrors.
INFRASTRUCTURE_FAILURES: tuple[type[Exception], ...] = (
    *DATABASE_FAILURES, nats.errors.Error, OSError,
)


def is_outage(error: BaseException) -> bool:
    return isinstance(error, INFRASTRUCTURE_FAILURES)


def hand_back(error: BaseException, delivery: Delivery) -> bool:
    """Whether a job gives `error` back to its queue instead of recording its work failed.

    Back to the queue: any delivery but the last one (it is retried after a backoff), an
    outage (however many deliveries it lasts), and a job being stopped, whose task was
    cancelled (shutdown, or its production cancelled) but whose clean-up raised on the
    way out: that error is not the work's, and the queue knows what to do with a stopped
    job (hand it back, or ack an abandoned one).
    """
    task = asyncio.current_task()
    stopping = task is not None and task.cancelling() > 0
    return stopping or not delivery.last or is_outage(error)

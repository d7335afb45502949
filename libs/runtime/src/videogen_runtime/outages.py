"""Which failures are the infrastructure away for a moment, not a fault of the work.

PostgreSQL down, restarting or hung, NATS disconnected or without responders: all of it
passes. The gateway answers them 503 (videogen_gateway.unavailable); a worker retries the
job however many deliveries that takes, and never records it as failed for one.
"""

from __future__ import annotations

import nats.errors
from videogen_eventstore.db import DATABASE_FAILURES

# OSError covers refused and reset connections and every timeout (pool acquire, statement,
# connect): TimeoutError and nats.errors.TimeoutError are OSErrors.
INFRASTRUCTURE_FAILURES: tuple[type[Exception], ...] = (
    *DATABASE_FAILURES, nats.errors.Error, OSError,
)


def is_outage(error: BaseException) -> bool:
    return isinstance(error, INFRASTRUCTURE_FAILURES)

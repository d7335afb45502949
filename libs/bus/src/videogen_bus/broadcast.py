"""Events heard by every replica at once: a plain NATS subscription on stream subjects.

The relay publishes each event to its JetStream subject, and JetStream messages are NATS
messages: a core subscription on the same subject receives them too, in every process that
subscribes (no queue group, no durable). That is what a signal to whoever is running a
piece of work needs ("this production was cancelled: stop if it is yours"). It is not
durable: a process that is down misses it, which is right for work it no longer runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from videogen_contracts.envelope import RecordedEvent, decode_recorded

log = structlog.get_logger("videogen_bus.broadcast")


async def hear_events(
    nc: Client, subjects: Sequence[str], handle: Callable[[RecordedEvent], None]
) -> list[Subscription]:
    """Call `handle` for each event published on `subjects`, in this process.

    The caller names the subjects and reads the events: the bus knows no service's events.
    """

    async def on_message(msg: Msg) -> None:
        try:
            event = decode_recorded(msg.data)
        except msgspec.DecodeError as error:
            log.warning("broadcast.undecodable", subject=msg.subject, error=str(error))
            return
        handle(event)

    return [await nc.subscribe(subject, cb=on_message) for subject in subjects]

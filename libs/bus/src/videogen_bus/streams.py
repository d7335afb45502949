"""One JetStream stream per service: the replayable log that projections rebuild from."""

from __future__ import annotations

import structlog
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError
from nats.js.manager import JetStreamManager
from videogen_contracts.subjects import Namespace

log = structlog.get_logger("videogen_bus.streams")

# Dedupe by Nats-Msg-Id (= event_id) for this long: it bounds how late a relay may re-publish
# an event after a crash and still have the duplicate dropped by the server. Consumers are
# idempotent anyway (tracking rows), so a duplicate past the window is harmless, only wasted.
DUPLICATE_WINDOW_SECONDS = 120.0

# JetStream's error code for "stream name already in use with a different configuration".
_STREAM_NAME_IN_USE = 10058


def stream_config(ns: Namespace, service: str, *, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=ns.stream_name(service), subjects=[ns.stream_subjects(service)],
        storage=StorageType.FILE,
        # Never drop events: the stream is the log that read models are rebuilt from.
        retention=RetentionPolicy.LIMITS, discard=DiscardPolicy.OLD, max_msgs=-1, max_bytes=-1,
        max_age=0, max_msgs_per_subject=-1, duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )


async def ensure_stream(
    js: JetStreamManager, ns: Namespace, service: str, *, replicas: int = 1
) -> None:
    """Create the service's stream, or bring an existing one to our configuration.

    Safe when several replicas start at once: the server treats a create with a config
    identical to the existing stream as a no-op, so racing creates all succeed; only a
    stream created by an older release (different config) takes the update path, and
    concurrent identical updates are no-ops as well.
    """
    config = stream_config(ns, service, replicas=replicas)
    try:
        await js.add_stream(config)
    except BadRequestError as error:
        if error.err_code != _STREAM_NAME_IN_USE:
            raise
        await js.update_stream(config)
        log.info("stream.updated", stream=config.name)

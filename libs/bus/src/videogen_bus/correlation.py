"""The correlation id, bound per request/message via structlog contextvars so every log line
inside carries it; the bus copies it into NATS headers and event metadata."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog


def new_correlation_id() -> str:
    return str(uuid.uuid4())


@contextmanager
def correlation_scope(correlation_id: str, **extra: str) -> Iterator[None]:
    """Every log line inside carries `correlation_id` (and `extra`)."""
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id, **extra):
        yield


def current_correlation_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("correlation_id")
    return value if isinstance(value, str) else None

"""When to call the model again: exponential backoff with jitter, and `Retry-After`.

The policy is ours rather than the SDK's (the client is built with `max_retries=0`) so that
attempts, delays and the final failure are explicit, logged and testable.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import msgspec

# Worth another try: overloaded or rate limited, or the server timed out itself (408).
RETRYABLE_STATUSES = frozenset({408, 409, 429})


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    max_attempts: int = 4
    base_delay: float = 0.5
    # Also the longest `Retry-After` we wait for: a server asking for more is treated as
    # unavailable now, so a job fails with a reason instead of sleeping for minutes.
    max_delay: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Equal jitter: half the exponential step fixed, half random, so workers that failed
        together spread out, and none retries at once."""
        step = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return step / 2 + rng.uniform(0, step / 2)

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds before attempt `attempt + 1`, or None when the server asks for too long."""
        backoff = self.backoff(attempt, rng)
        if retry_after is None:
            return backoff
        if retry_after > self.max_delay:
            return None
        return max(retry_after, backoff)


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """`retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        with contextlib.suppress(ValueError):
            return max(0.0, float(millis) / 1000)
    value = headers.get("retry-after")
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

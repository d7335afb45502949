"""The abuse limits an operator sets (`VIDEOGEN_RATE_LIMIT`, ...), read once at start.

The defaults are generous: a laptop's user (and the test suite) never meets them, while a
deployment that exposes the gateway sets its own. Admin and the local user are limited
too, by the same numbers: a limit protects the machine, not a user from another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# The kinds of costly operation (route_opts.costly); each has its own bucket per user.
COST_KINDS = ("generate", "aura_job", "ai_edit", "manim", "export", "upload")
# Kinds that start a job, so they count against the concurrent-job and queue limits too
# (an upload stores a file; its probing is not a queue a client can fill).
JOB_KINDS = frozenset({"generate", "aura_job", "ai_edit", "manim", "export"})
DEFAULT_RATE = (600, 60.0)  # 600 requests a minute per user and kind
DEFAULT_MAX_ACTIVE_JOBS = 500
DEFAULT_MAX_QUEUE_DEPTH = 5000
# What a refusal for a full queue suggests: jobs take seconds to minutes.
BUSY_RETRY_AFTER_SECONDS = 10


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: `burst` requests at once, refilled at burst/window per second."""

    burst: int
    window_seconds: float

    @property
    def per_second(self) -> float:
        return self.burst / self.window_seconds


def _default_rates() -> dict[str, Rate]:
    return {kind: Rate(*DEFAULT_RATE) for kind in COST_KINDS}


@dataclass(frozen=True, slots=True)
class AbuseLimits:
    rates: dict[str, Rate] = field(default_factory=_default_rates)
    # Non-terminal jobs one user may have (active_jobs), and all users together.
    max_active_jobs_per_user: int = DEFAULT_MAX_ACTIVE_JOBS
    max_queue_depth: int = DEFAULT_MAX_QUEUE_DEPTH

    def rate_of(self, kind: str) -> Rate:
        return self.rates.get(kind) or Rate(*DEFAULT_RATE)

    @classmethod
    def from_env(cls) -> AbuseLimits:
        return cls(
            rates={**_default_rates(), **parse_rates(os.environ.get("VIDEOGEN_RATE_LIMIT", ""))},
            max_active_jobs_per_user=int(
                os.environ.get("VIDEOGEN_MAX_ACTIVE_JOBS_PER_USER", DEFAULT_MAX_ACTIVE_JOBS)
            ),
            max_queue_depth=int(
                os.environ.get("VIDEOGEN_MAX_QUEUE_DEPTH", DEFAULT_MAX_QUEUE_DEPTH)
            ),
        )


def parse_rates(raw: str) -> dict[str, Rate]:
    """`generate=10/60,upload=100/3600`: per kind, that many requests per that many seconds.
    A bad item stops the start with a message naming it, rather than running unlimited."""
    rates: dict[str, Rate] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        kind, _, spec = item.partition("=")
        count, _, seconds = spec.partition("/")
        try:
            rate = Rate(int(count), float(seconds))
        except ValueError:
            rate = Rate(0, 0.0)
        if kind.strip() not in COST_KINDS or rate.burst < 1 or rate.window_seconds <= 0:
            raise ValueError(
                f"VIDEOGEN_RATE_LIMIT: {item!r} is not <kind>=<count>/<seconds> with kind one"
                f" of {', '.join(COST_KINDS)}"
            )
        rates[kind.strip()] = rate
    return rates

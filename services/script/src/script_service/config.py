"""The script service's own settings, read once from the environment at start."""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec


class ScriptConfig(msgspec.Struct, frozen=True, kw_only=True):
    # Generation runs one process writes at once; more wait in the stream (any replica).
    concurrency: int = 2
    # Seconds without a heartbeat before JetStream hands a run to another worker (the
    # worker heartbeats every third of it while it waits for the model).
    ack_wait: float = 30.0
    # Deliveries of one run before the last one records a failure instead of retrying.
    max_attempts: int = 3
    # The longest one writer call may take, its own retries included, before the run
    # (or the synchronous request) fails: the guarantee that nothing waits for ever.
    llm_deadline: float = 300.0
    # How long a request waits for a project whose ProjectCreated has not arrived yet.
    brief_wait: float = 3.0
    # Manim writing jobs (plan, implementations, code) one process runs at once; an
    # implementation job itself writes five scenes at a time.
    manim_concurrency: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ScriptConfig:
        env = os.environ if environ is None else environ
        return cls(
            concurrency=_at_least_one(env, "VIDEOGEN_SCRIPT_CONCURRENCY", 2),
            ack_wait=_seconds(env, "VIDEOGEN_SCRIPT_ACK_WAIT", 30.0),
            max_attempts=_at_least_one(env, "VIDEOGEN_SCRIPT_MAX_ATTEMPTS", 3),
            llm_deadline=_seconds(env, "VIDEOGEN_LLM_CALL_DEADLINE", 300.0),
            brief_wait=_seconds(env, "VIDEOGEN_SCRIPT_BRIEF_WAIT", 3.0),
            manim_concurrency=_at_least_one(env, "VIDEOGEN_SCRIPT_MANIM_CONCURRENCY", 2),
        )


def _at_least_one(env: Mapping[str, str], name: str, default: int) -> int:
    value = int(env.get(name, str(default)))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = float(env.get(name, str(default)))
    if value <= 0:
        raise ValueError(f"{name} must be more than 0, got {value}")
    return value

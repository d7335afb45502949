"""Stall detection: a production in which nothing has moved for too long is warned, then failed.

Pure rules, no I/O. What counts as movement is any production event except a log line and
the warning itself (`counts_as_activity`); `ActivityTable` keeps, per production, the time
of the last one. `due` turns the productions idle past a limit into step commands:
- idle ≥ `warn_s` and not warned since the last movement → `WarnStall`;
- idle ≥ `fail_s` → `FailProduction(code="stall_timeout")`.
Their command ids are derived from the production and the time of its last movement, so
every replica's watchdog, and every tick of it, asks for the same thing once: the shared
handler turns the repeats into no-ops.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionQueued,
    ProductionRetried,
    ProductionStage,
    ProductionStallWarned,
    ProductionStepLogged,
)

from project_service.domain.production.commands import FailProduction, WarnStall

# Fixed forever: the ids of the watchdog's commands.
STALL_NAMESPACE = UUID("6f0d2c55-8a14-4e0b-9d3f-2b7a51c9e4a8")


@dataclass(frozen=True, slots=True)
class StallLimits:
    warn_s: float = 120.0
    fail_s: float = 180.0

    @classmethod
    def from_env(cls) -> StallLimits:
        warn = float(os.environ.get("VIDEOGEN_STALL_WARN_SECONDS", "120"))
        fail = float(os.environ.get("VIDEOGEN_STALL_FAIL_SECONDS", "180"))
        if not 0 < warn <= fail:
            raise ValueError(f"stall limits must be 0 < warn <= fail, got {warn} and {fail}")
        return cls(warn_s=warn, fail_s=fail)

    @property
    def tick_s(self) -> float:
        """How often to look: often enough to act within a few percent of a limit."""
        return min(5.0, self.warn_s / 4)


@dataclass(frozen=True, slots=True)
class Idle:
    """One running production, as the activity table knows it."""

    production_id: UUID
    project_id: UUID | None
    stage: str
    last_activity: datetime
    warned: bool
    correlation_id: str


def counts_as_activity(event: ProductionEvent) -> bool:
    return not isinstance(event, ProductionStepLogged | ProductionStallWarned)


def stage_after(event: ProductionEvent) -> ProductionStage | None:
    """The stage an event leaves the production in, when it says (None: unchanged)."""
    match event:
        case ProductionQueued():
            return "queued"
        case ProductionAdvanced() | ProductionRetried():
            return event.stage
        case ProductionCompleted():
            return "completed"
        case ProductionFailed():
            return "failed"
        case ProductionCancelled():
            return "cancelled"
    return None


def due(idle: Idle, now: datetime, limits: StallLimits) -> WarnStall | FailProduction | None:
    waited = (now - idle.last_activity).total_seconds()
    key = f"{idle.production_id}:{idle.last_activity.isoformat()}"
    if waited >= limits.fail_s:
        return FailProduction(
            command_id=str(uuid5(STALL_NAMESPACE, f"{key}:fail")), now=now,
            production_id=idle.production_id, code="stall_timeout",
            reason=f"STALL_TIMEOUT: no progress for {limits.fail_s:g} s while {idle.stage}",
        )
    if waited >= limits.warn_s and not idle.warned:
        return WarnStall(
            command_id=str(uuid5(STALL_NAMESPACE, f"{key}:warn")), now=now,
            production_id=idle.production_id, idle_s=int(waited),
            fail_after_s=int(limits.fail_s),
        )
    return None

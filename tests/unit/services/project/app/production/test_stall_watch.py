"""The stall watchdog's rules (project_service.app.production.stall_watch), with no I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from project_service.app.production.stall_watch import Idle, StallLimits, due
from project_service.domain.production.commands import FailProduction, WarnStall

pytestmark = pytest.mark.aura

T0 = datetime(2025, 1, 1, tzinfo=UTC)
LIMITS = StallLimits(warn_s=120, fail_s=180)


def idle(warned: bool = False) -> Idle:
    return Idle(production_id=UUID(int=1), project_id=UUID(int=2), stage="rendering",
                last_activity=T0, warned=warned, correlation_id="c")


def test_nothing_before_the_warning_limit() -> None:
    assert due(idle(), T0 + timedelta(seconds=119), LIMITS) is None


def test_a_warning_once_then_a_failure() -> None:
    warn = due(idle(), T0 + timedelta(seconds=121), LIMITS)
    assert isinstance(warn, WarnStall)
    assert (warn.idle_s, warn.fail_after_s) == (121, 180)
    assert due(idle(warned=True), T0 + timedelta(seconds=150), LIMITS) is None
    fail = due(idle(warned=True), T0 + timedelta(seconds=181), LIMITS)
    assert isinstance(fail, FailProduction)
    assert fail.code == "stall_timeout"
    assert "STALL_TIMEOUT" in fail.reason


def test_every_replica_and_tick_asks_with_the_same_command_id() -> None:
    first = due(idle(), T0 + timedelta(seconds=130), LIMITS)
    later = due(idle(), T0 + timedelta(seconds=140), LIMITS)
    assert first is not None
    assert later is not None
    assert first.command_id == later.command_id
    moved = replace(idle(), last_activity=T0 + timedelta(seconds=5))
    again = due(moved, T0 + timedelta(seconds=140), LIMITS)
    assert again is not None
    assert again.command_id != first.command_id, "a new stall after progress is a new warning"


@pytest.mark.parametrize(("warn", "fail"), [("0", "10"), ("20", "10"), ("-1", "5")])
def test_limits_must_be_ordered(monkeypatch: pytest.MonkeyPatch, warn: str, fail: str) -> None:
    monkeypatch.setenv("VIDEOGEN_STALL_WARN_SECONDS", warn)
    monkeypatch.setenv("VIDEOGEN_STALL_FAIL_SECONDS", fail)
    with pytest.raises(ValueError, match="stall limits"):
        StallLimits.from_env()

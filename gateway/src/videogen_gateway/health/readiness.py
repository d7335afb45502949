"""The readiness report in the original's shape, from every check the gateway runs.

`{status: healthy|degraded|unhealthy, timestamp, checks: [{name, status, description,
data}]}`: PostgreSQL, NATS and each service (checks.py), plus ffmpeg and
disk space. The worst check decides the status; unhealthy is answered with a 503.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from videogen_gateway.health.checks import Check, run_checks
from videogen_gateway.runtime import Runtime
from videogen_gateway.system.context import SystemContext
from videogen_gateway.system.disk import disk_space
from videogen_gateway.system.ffmpeg_status import FfmpegStatus

Status = Literal["healthy", "degraded", "unhealthy"]
_RANK: dict[Status, int] = {"healthy": 0, "degraded": 1, "unhealthy": 2}
# The ffmpeg check waits this long for a first probe, then reports what it knows.
FFMPEG_WAIT = 3.0


class ProbeCheck(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    status: Status
    description: str
    data: dict[str, Any]


class ProbeReport(msgspec.Struct, frozen=True, kw_only=True):
    status: Status
    timestamp: datetime
    checks: list[ProbeCheck]


def report_of(checks: list[ProbeCheck]) -> ProbeReport:
    worst: Status = max((c.status for c in checks), key=_RANK.__getitem__, default="healthy")
    return ProbeReport(status=worst, timestamp=datetime.now(UTC), checks=checks)


def dependency_check(check: Check) -> ProbeCheck:
    status: Status = "unhealthy" if not check.ok else "degraded" if check.slow else "healthy"
    description = (
        f"{check.name} ({check.kind}) answered in {check.latency_ms:g} ms"
        if check.ok
        else f"{check.name} ({check.kind}) is down: {check.error}"
    )
    data: dict[str, Any] = {"kind": check.kind, "latencyMs": check.latency_ms}
    if check.error:
        data["error"] = check.error
    return ProbeCheck(name=check.name, status=status, description=description, data=data)


def ffmpeg_check(status: FfmpegStatus | None) -> ProbeCheck:
    """Degraded, not unhealthy, when ffmpeg is missing: the API still serves everything
    but rendering (the original's rule)."""
    if status is None:
        return ProbeCheck(name="ffmpeg", status="degraded",
                          description="FFmpeg is still being probed", data={})
    data: dict[str, Any] = {
        "ffmpeg_available": status.valid, "ffmpeg_path": status.path,
        "ffmpeg_version": status.version, "source": status.source,
    }
    if status.valid and status.version_meets_requirement:
        return ProbeCheck(name="ffmpeg", status="healthy",
                          description=f"FFmpeg {status.version} ({status.source})", data=data)
    reason = status.error or f"FFmpeg {status.version} is older than {status.minimum_version}"
    return ProbeCheck(name="ffmpeg", status="degraded",
                      description=f"{reason}; video rendering is disabled", data=data)


async def _ffmpeg(system: SystemContext) -> ProbeCheck:
    try:
        async with asyncio.timeout(FFMPEG_WAIT):
            return ffmpeg_check(await asyncio.shield(system.prober.basic()))
    except TimeoutError:
        return ffmpeg_check(None)


async def _disk(system: SystemContext) -> ProbeCheck:
    space = await asyncio.to_thread(disk_space, system.data_dir, system.disk_limits)
    return ProbeCheck(name="disk", status=space.status, description=space.description,
                      data=space.data())


async def readiness_report(rt: Runtime, system: SystemContext) -> ProbeReport:
    dependencies, ffmpeg, disk = await asyncio.gather(
        run_checks(rt), _ffmpeg(system), _disk(system)
    )
    return report_of([*(dependency_check(c) for c in dependencies), ffmpeg, disk])

"""Operational endpoints: liveness, readiness, Prometheus metrics.

Readiness reports `{status: healthy|degraded|unhealthy, timestamp, checks: [...]}`; it is
503 when PostgreSQL, NATS or a service the gateway calls is down, so a load balancer stops
sending traffic this replica cannot serve. Liveness is 200 while the process runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from litestar import Response, Router, get
from litestar.datastructures import State
from videogen_gateway.health import Check, run_checks
from videogen_gateway.observability import metrics_payload
from videogen_gateway.runtime import runtime_of

Status = Literal["healthy", "degraded", "unhealthy"]


class ProbeCheck(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    status: Status
    description: str
    data: dict[str, Any]


class ProbeReport(msgspec.Struct, frozen=True, kw_only=True):
    status: Status
    timestamp: datetime
    checks: list[ProbeCheck]


def _probe_check(check: Check) -> ProbeCheck:
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


def readiness(checks: list[Check]) -> ProbeReport:
    probes = [_probe_check(c) for c in checks]
    states = {p.status for p in probes}
    overall: Status = (
        "unhealthy" if "unhealthy" in states else "degraded" if "degraded" in states else "healthy"
    )
    return ProbeReport(status=overall, timestamp=datetime.now(UTC), checks=probes)


@get("/api/health/live", summary="Liveness: the process is up", cache=False)
async def live() -> ProbeReport:
    return ProbeReport(status="healthy", timestamp=datetime.now(UTC), checks=[])


@get("/api/health/ready", summary="Readiness: PostgreSQL, NATS and every service answer")
async def ready(state: State) -> Response[ProbeReport]:
    report = readiness(await run_checks(runtime_of(state)))
    return Response(report, status_code=503 if report.status == "unhealthy" else 200)


@get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response[bytes]:
    payload, content_type = metrics_payload()
    return Response(payload, media_type=content_type)


def ops_router() -> Router:
    return Router("/", route_handlers=[live, ready, metrics], tags=["ops"])

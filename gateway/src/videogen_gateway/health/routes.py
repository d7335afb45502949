"""Health endpoints, under `/health/...` (Aura's paths) and `/api/health/...`.

Liveness is 200 while the process runs. Readiness (readiness.py) is 503 when unhealthy,
so a load balancer stops sending traffic this replica cannot serve.
"""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Response, Router, get
from litestar.datastructures import State
from videogen_gateway.access.route_opts import PUBLIC
from videogen_gateway.health.readiness import ProbeReport, readiness_report
from videogen_gateway.runtime import runtime_of
from videogen_gateway.system.context import system_of


@get(["/api/health/live", "/health/live"], summary="Liveness: the process is up", cache=False)
async def live() -> ProbeReport:
    return ProbeReport(status="healthy", timestamp=datetime.now(UTC), checks=[])


@get(
    ["/api/health/ready", "/health/ready"],
    summary="Readiness: PostgreSQL, NATS, every service, ffmpeg and disk space",
)
async def ready(state: State) -> Response[ProbeReport]:
    report = await readiness_report(runtime_of(state), system_of(state))
    return Response(report, status_code=503 if report.status == "unhealthy" else 200)


def health_router() -> Router:
    # Probes carry no credentials.
    return Router("/", route_handlers=[live, ready], tags=["ops"], opt=PUBLIC)

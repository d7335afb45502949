"""Probes of what the gateway depends on: PostgreSQL, NATS, and each service it calls.

Each probe is bounded by a short timeout and runs concurrently with the others, so a
health request answers within about a second even when something hangs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

import msgspec
from videogen_bus.rpc import ServiceUnavailable, ping
from videogen_gateway.runtime import Runtime

PROBE_TIMEOUT = 1.0
# A probe slower than this still passes, but the readiness report calls it degraded.
SLOW_SECONDS = 0.5


class Check(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    kind: str  # database | messaging | service
    ok: bool
    latency_ms: float
    error: str | None = None

    @property
    def slow(self) -> bool:
        return self.ok and self.latency_ms > SLOW_SECONDS * 1000


async def _timed(name: str, kind: str, probe: Awaitable[object]) -> Check:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            await probe
    except TimeoutError:
        error: str | None = f"no answer within {PROBE_TIMEOUT:g}s"
    except Exception as exc:  # a probe reports whatever its dependency raised; never raises
        error = str(exc) if isinstance(exc, ServiceUnavailable) else f"{type(exc).__name__}: {exc}"
    else:
        error = None
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Check(name=name, kind=kind, ok=error is None, latency_ms=latency, error=error)


async def _postgres(rt: Runtime) -> None:
    await rt.pool.fetchval("SELECT 1")


async def _nats(rt: Runtime) -> None:
    if not rt.nc.is_connected:
        raise RuntimeError("not connected")
    await rt.nc.flush(timeout=int(PROBE_TIMEOUT))


async def _service(rt: Runtime, service: str) -> None:
    await ping(rt.nc, rt.ns, service, timeout=PROBE_TIMEOUT)


async def run_checks(rt: Runtime) -> list[Check]:
    probes = [_timed("postgres", "database", _postgres(rt)), _timed("nats", "messaging", _nats(rt))]
    probes += [_timed(s, "service", _service(rt, s)) for s in rt.options.services]
    return list(await asyncio.gather(*probes))

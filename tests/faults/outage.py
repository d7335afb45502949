"""What the infrastructure fault tests share: the jobs, a watcher of every surface, checks.

The watcher keeps asking every surface (reads and a command) while a server is down, and
records each answer, so a test can say "2xx or 503 (with Retry-After), never another 5xx,
never a refused connection, each within a bounded time", and show what it saw when not.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from videogen_local.stack import Stack

from ..e2e.aura_client import create_job, job_body, probe
from ..e2e.text2video_client import decode

# Long enough that the kill lands inside the job (a few seconds of narration and encode).
TEXT = " ".join(
    f"This is sentence number {n} of a story about the sea, the wind and the stars."
    for n in range(1, 9)
)
AURA_PLAN = {"targetDuration": "00:00:20", "pacing": "Conversational", "density": "Balanced"}
# A request must be answered (2xx or 503) within this, whatever is down or paused.
ANSWER_WITHIN = 30.0
TEXT2VIDEO = "/api/v1"
SETTINGS = {"defaultVoice": {"rate": 1.0}}  # the command the watcher sends, harmless


@dataclass
class Jobs:
    text2video: str
    aura: str


@dataclass
class Watch:
    codes: Counter[int] = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    slowest: float = 0.0
    unavailable_at: list[float] = field(default_factory=list)

    def record(self, what: str, response: httpx.Response, elapsed: float) -> None:
        self.codes[response.status_code] += 1
        self.slowest = max(self.slowest, elapsed)
        status = response.status_code
        if status == 503:
            self.unavailable_at.append(time.monotonic())
            if "retry-after" not in response.headers:
                self.bad.append(f"{what}: 503 without Retry-After")
            if not _is_error_shape(what, response):
                self.bad.append(f"{what}: 503 in no documented shape: {response.text[:200]}")
        elif status >= 500:
            self.bad.append(f"{what}: {status} {response.text[:300]}")
        if elapsed > ANSWER_WITHIN:
            self.bad.append(f"{what}: answered after {elapsed:.1f}s")


def _is_error_shape(what: str, response: httpx.Response) -> bool:
    body = response.json()
    if f" {TEXT2VIDEO}/" in what and "/projects" not in what:
        return isinstance(body.get("error"), str)  # doc 004: {"error": "..."}
    return response.headers["content-type"].startswith("application/problem+json") and {
        "type", "title", "status", "detail", "correlationId"} <= set(body)


async def start_jobs(http: httpx.AsyncClient) -> Jobs:
    generated = await http.post(f"{TEXT2VIDEO}/generate", json={"text": TEXT})
    assert generated.status_code == 202, generated.text
    aura = await create_job(http, job_body(planSpec=dict(AURA_PLAN)))
    return Jobs(generated.json()["job_id"], aura)


async def until_running(http: httpx.AsyncClient, jobs: Jobs, within: float = 180) -> None:
    """Until both jobs are under way, neither finished: the moment to kill."""
    deadline = time.monotonic() + within
    seen: tuple[Any, Any] = (None, None)
    while time.monotonic() < deadline:
        t2v = (await http.get(f"{TEXT2VIDEO}/status/{jobs.text2video}")).json()
        aura = (await http.get(f"/api/jobs/{jobs.aura}")).json()
        seen = (t2v, aura)
        assert t2v["status"] != "completed", seen
        assert aura["status"] != "Succeeded", seen
        if t2v["progress"] >= 20 and aura["status"] == "Running":
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the jobs did not get under way in {within}s: {seen}")


async def until_finished(http: httpx.AsyncClient, jobs: Jobs, within: float = 420) -> None:
    """Until both jobs succeeded; 503s meanwhile are expected (the dependency is back soon)."""
    deadline = time.monotonic() + within
    seen: list[str] = []
    while time.monotonic() < deadline:
        t2v = await http.get(f"{TEXT2VIDEO}/status/{jobs.text2video}")
        aura = await http.get(f"/api/jobs/{jobs.aura}")
        seen = [f"{t2v.status_code} {t2v.text[:300]}", f"{aura.status_code} {aura.text[:300]}"]
        if t2v.status_code == aura.status_code == 200:
            t2v_status, aura_status = t2v.json()["status"], aura.json()["status"]
            assert t2v_status != "failed", seen
            assert aura_status != "Failed", seen
            if t2v_status == "completed" and aura_status == "Succeeded":
                return
        await asyncio.sleep(0.5)
    raise AssertionError(f"the jobs did not finish in {within}s; last seen: {seen}")


async def assert_playable(http: httpx.AsyncClient, jobs: Jobs) -> None:
    t2v = await http.get(f"{TEXT2VIDEO}/download/{jobs.text2video}")
    assert t2v.status_code == 200, t2v.text[:300]
    assert decode(t2v.content).duration_s > 10
    aura = await http.get(f"/api/jobs/{jobs.aura}/download")
    assert aura.status_code == 200, aura.text[:300]
    found = probe(aura.content)
    assert found["duration"] > 5, found
    assert found["frames"] > 0, found


async def watch_surfaces(http: httpx.AsyncClient, jobs: Jobs, watch: Watch,
                         stop: asyncio.Event, *, once: bool = False) -> None:
    """Reads on every surface, and a command, over and over until `stop` (or `once`)."""
    requests: list[tuple[str, Callable[[], Awaitable[httpx.Response]]]] = [
        (f"GET {TEXT2VIDEO}/status", lambda: http.get(f"{TEXT2VIDEO}/status/{jobs.text2video}")),
        (f"GET {TEXT2VIDEO}/jobs", lambda: http.get(f"{TEXT2VIDEO}/jobs")),
        ("GET /api/jobs/{id}", lambda: http.get(f"/api/jobs/{jobs.aura}")),
        ("GET /api/v1/projects", lambda: http.get("/api/v1/projects")),
        ("PUT /api/settings", lambda: http.put("/api/settings", json=SETTINGS)),
    ]
    while not stop.is_set():
        for what, send in requests:
            started = time.monotonic()
            try:
                response = await send()
            except httpx.HTTPError as error:
                watch.bad.append(f"{what}: {error!r} after {time.monotonic() - started:.1f}s")
                continue
            watch.record(what, response, time.monotonic() - started)
        if once:
            return
        await asyncio.sleep(0.2)


READ_MODELS = ("/api/v1/jobs", "/api/jobs", "/api/v1/projects")


async def read_models(http: httpx.AsyncClient, jobs: Jobs, *more: str) -> dict[str, Any]:
    """Every read model the jobs show in, and the `more` paths."""
    paths = [*READ_MODELS, f"{TEXT2VIDEO}/status/{jobs.text2video}", f"/api/jobs/{jobs.aura}",
             *more]
    found: dict[str, Any] = {}
    for path in paths:
        response = await http.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
        found[path] = response.json()
    return found


async def rebuild_read_models(stack: Stack) -> None:
    """`python -m videogen_gateway rebuild` with the gateway stopped, then the gateway again."""
    stack.kill("gateway")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "videogen_gateway", "rebuild",
        env=stack.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=180)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    stack.start("gateway")
    await asyncio.to_thread(stack.wait_ready, 120)


def gateway_usage(stack: Stack) -> tuple[int, int]:
    """The gateway's resident memory (KiB) and its open sockets."""
    proc = stack.children["gateway"].proc
    assert proc is not None
    with open(f"/proc/{proc.pid}/status", encoding="ascii") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    fds = f"/proc/{proc.pid}/fd"
    sockets = 0
    for fd in os.listdir(fds):
        try:
            sockets += os.readlink(f"{fds}/{fd}").startswith("socket:")
        except OSError:
            continue  # closed meanwhile
    return rss, sockets

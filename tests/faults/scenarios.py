"""The two infrastructure faults, run the same way against nats-server and PostgreSQL.

`kill_mid_jobs`: kill -9 while a text2video job, an Aura job and a studio generation run
run; the supervisor brings the server back; the jobs finish with a playable video, the run
with its script in the read model; every answer meanwhile was 2xx or 503; a studio
WebSocket keeps its promise (studio_outage.py); and the read models then equal a rebuild
from the logs.

`pause`: SIGSTOP for 20 s, then SIGCONT: answers stay bounded in time (503s), a command
succeeds again soon after, and the gateway's memory and sockets come back to where they were.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx
import psutil
from videogen_local.supervision import SupervisedStack

from ..e2e.aura_client import read_events
from .outage import (
    ANSWER_WITHIN,
    SETTINGS,
    Watch,
    assert_playable,
    gateway_usage,
    read_models,
    rebuild_read_models,
    start_jobs,
    until_finished,
    until_running,
    watch_surfaces,
)
from .studio_outage import (
    assert_socket_through_outage,
    assert_written,
    close,
    follow,
    start_studio_run,
    studio_project,
)

PAUSE_SECONDS = 20
BURST = 10  # concurrent clients during the pause, each sending every request once
RECOVER_WITHIN = 90.0
STUDIO = "/api/v1"
# "Back to normal": no more than this above the baseline once the outage is over.
EXTRA_RSS_KIB = 96 * 1024
EXTRA_SOCKETS = 20


def _client(ss: SupervisedStack) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=ss.stack.base_url, timeout=ANSWER_WITHIN + 15)


def _studio_client(ss: SupervisedStack) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=ss.stack.base_url + STUDIO, timeout=ANSWER_WITHIN + 15)


async def kill_mid_jobs(ss: SupervisedStack, name: str, *, follow_stream: bool = False,
                        socket_misses_nothing: bool = False) -> None:
    """`follow_stream`: an Aura SSE stream stays open through the outage and misses nothing
    (what it delivered live equals the replay of the finished job). `socket_misses_nothing`:
    what the studio WebSocket promises through this outage (studio_outage.py)."""
    async with _client(ss) as http, _studio_client(ss) as api:
        project = await studio_project(api)
        jobs = await start_jobs(http)
        await until_running(http, jobs)
        watch, stop = Watch(), asyncio.Event()
        watcher = asyncio.create_task(watch_surfaces(http, jobs, watch, stop))
        live = asyncio.create_task(read_events(http, jobs.aura, within=600))
        socket = await follow(ss.stack, project)
        await asyncio.sleep(1)  # the stream is open (and the watcher under way) before the kill
        try:
            # Queued just before the kill: its writing happens during and after the outage.
            studio = await start_studio_run(api, project)
            killed = ss.infra.server(name)
            await asyncio.to_thread(killed.kill)
            await _until_restarted(ss, name, killed.proc.pid)
            await until_finished(http, jobs)
            feed = await assert_written(api, studio)
        finally:
            stop.set()
            await watcher
        print(f"{name} killed: answers {dict(watch.codes)}, slowest {watch.slowest:.1f}s;"
              f" the studio socket got {len(socket.of_job(studio.job_id))} of the run's"
              f" {len(feed)} messages")
        assert not watch.bad, watch.bad[:20]
        await assert_playable(http, jobs)
        try:
            await assert_socket_through_outage(ss.stack, api, socket, studio, feed,
                                               misses_nothing=socket_misses_nothing)
        finally:
            await close(socket)
        if follow_stream:
            delivered = await live
            assert delivered == await read_events(http, jobs.aura, within=60)
        else:
            live.cancel()
            await asyncio.gather(live, return_exceptions=True)
        before = await read_models(http, jobs, f"{STUDIO}/projects/{project}")
    # The rebuild needs the gateway stopped: supervision would start it again at once.
    await asyncio.to_thread(ss.supervisor.pause)
    try:
        await rebuild_read_models(ss.stack)
    finally:
        ss.supervisor.resume()
    async with _client(ss) as http:
        assert await read_models(http, jobs, f"{STUDIO}/projects/{project}") == before


async def _until_restarted(ss: SupervisedStack, name: str, old_pid: int) -> None:
    deadline = time.monotonic() + RECOVER_WITHIN
    while ss.infra.server(name).proc.pid == old_pid:
        assert time.monotonic() < deadline, (
            f"{name} not restarted in {RECOVER_WITHIN}s; see {ss.log_dir / 'supervisor.log'}"
        )
        await asyncio.sleep(0.1)


def _signal_tree(pid: int, sig: signal.Signals) -> None:
    """The server and every process it forked (PostgreSQL's backends): all of it hangs."""
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            continue


async def pause(ss: SupervisedStack, name: str) -> None:
    async with _client(ss) as http:
        jobs = await start_jobs(http)  # something for the watcher to read
        await _until_command_succeeds(http, within=RECOVER_WITHIN)
        rss, sockets = gateway_usage(ss.stack)
        watch, stop = Watch(), asyncio.Event()
        watcher = asyncio.create_task(watch_surfaces(http, jobs, watch, stop))
        pid = ss.infra.server(name).proc.pid
        paused_at = time.monotonic()
        try:
            _signal_tree(pid, signal.SIGSTOP)
            await asyncio.sleep(2)
            # Many clients at once: each must still get its answer in bounded time (the
            # pool's acquire timeout), none may wait for the server to come back.
            await asyncio.gather(*(
                watch_surfaces(http, jobs, watch, stop, once=True) for _ in range(BURST)
            ))
            await asyncio.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - paused_at)))
        finally:
            _signal_tree(pid, signal.SIGCONT)
        try:
            took = await _until_command_succeeds(http, within=RECOVER_WITHIN)
        finally:
            stop.set()
            await watcher
        print(f"{name} paused {PAUSE_SECONDS}s: answers {dict(watch.codes)},"
              f" slowest {watch.slowest:.1f}s, a command succeeded {took:.1f}s after SIGCONT")
        assert not watch.bad, watch.bad[:20]
        await until_finished(http, jobs)
        await _until_usage_back(ss, rss, sockets)


async def _until_command_succeeds(http: httpx.AsyncClient, within: float) -> float:
    started = time.monotonic()
    last = "nothing"
    while time.monotonic() - started < within:
        response = await http.put("/api/settings", json=SETTINGS)
        if response.status_code == 200:
            return time.monotonic() - started
        last = f"{response.status_code} {response.text[:300]}"
        await asyncio.sleep(0.2)
    raise AssertionError(f"no command succeeded within {within}s; last: {last}")


async def _until_usage_back(ss: SupervisedStack, rss: int, sockets: int) -> None:
    deadline = time.monotonic() + RECOVER_WITHIN
    now = gateway_usage(ss.stack)
    while now[0] > rss + EXTRA_RSS_KIB or now[1] > sockets + EXTRA_SOCKETS:
        assert time.monotonic() < deadline, (
            f"gateway usage (RSS KiB, sockets) {now} did not come back near {(rss, sockets)}"
        )
        await asyncio.sleep(1)
        now = gateway_usage(ss.stack)


async def gateway_starts_without_nats(ss: SupervisedStack) -> None:
    """A gateway started while NATS is down serves reads, refuses commands with 503, and
    takes commands again once NATS is back, without being restarted."""
    async with _client(ss) as http:
        jobs = await start_jobs(http)
        await until_finished(http, jobs)
        before = await read_models(http, jobs)
    await asyncio.to_thread(ss.supervisor.pause)
    try:
        ss.infra.server("nats").kill()
        ss.stack.kill("gateway")
        ss.stack.start("gateway")
        await asyncio.to_thread(ss.stack.wait_ready, 120, "/api/health/live")
        async with _client(ss) as http:
            assert await read_models(http, jobs) == before
            refused = await http.put("/api/settings", json=SETTINGS)
            assert refused.status_code == 503, refused.text
            assert "retry-after" in refused.headers
            ready = await http.get("/api/health/ready")
            assert ready.status_code == 503, ready.text
            assert "nats" in {c["name"] for c in ready.json()["checks"]
                              if c["status"] == "unhealthy"}, ready.text
    finally:
        ss.supervisor.resume()  # brings nats-server back
    async with _client(ss) as http:
        await _until_command_succeeds(http, within=RECOVER_WITHIN)

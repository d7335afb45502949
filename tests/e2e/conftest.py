"""The whole stack as processes, on the session's real PostgreSQL and NATS.

`stack` is shared by the tests of one module (its own namespace, so modules never see each
other's data); `make_stack` gives a test a stack of its own, e.g. to kill -9 a service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack, stack_env

StackFactory = Callable[..., Stack]


@pytest.fixture(scope="module")
def _module_stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
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

    yield factory
    for stack in started:
        stack.stop()


@pytest.fixture(scope="module")
def stack(_module_stacks: StackFactory) -> Stack:
    return _module_stacks()


@pytest.fixture
def make_stack(_module_stacks: StackFactory) -> StackFactory:
    return _module_stacks

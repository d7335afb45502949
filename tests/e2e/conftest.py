"""One stack for every end-to-end module that takes the plain `stack` (the default
configuration): starting a stack costs about 10 s, once per module was a few minutes of
`make test`. Each test makes its own projects, jobs and sessions, so they share a world
without seeing each other's data; a module that needs its own configuration, or kills a
process, asks `make_stack` (one per module, as before), and editor/ and manim/ keep their
own package stacks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from videogen_local.stack import Stack

from tests.conftest import StackFactory, stacks


@pytest.fixture(scope="package")
def _package_stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    with stacks(pg_url, nats_url, tmp_path_factory) as factory:
        yield factory


@pytest.fixture(scope="package")
def stack(_package_stacks: StackFactory) -> Stack:
    return _package_stacks()

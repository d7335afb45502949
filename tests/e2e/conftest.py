"""One stack for every end-to-end module that takes the plain `stack` (the default
configuration): starting a stack costs about 10 s, once per module was a few minutes of
`make test`. Each test makes its own projects, jobs and sessions, so they share a world
without seeing each other's data; a module that needs its own configuration, or kills a
process, asks `make_stack` (one per module, as before), and editor/ keeps its own package
stack (manim/ uses this one: its configuration is the default). `apikey_stack` is the one
stack of the modules that need API keys and nothing else (each mints its own users' keys).

Here "package" scope is the worker's session (tests/ has no __init__.py, so no Package
node): a stack lives until the worker ends. tests/conftest.py's scheduler keeps the files
of such a stack on one worker where it can, so that it starts once."""

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


@pytest.fixture(scope="package")
def apikey_stack(_package_stacks: StackFactory) -> Stack:
    """The default stack with API keys required (`VIDEOGEN_AUTH=apikey`)."""
    return _package_stacks(VIDEOGEN_AUTH="apikey")

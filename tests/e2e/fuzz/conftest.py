"""The fuzz runs' stacks: each file's own (the fuzzer writes settings and garbage that no
other module should see), with the abuse limits' small job caps, so that the fuzzer's
positive cases are 429s past a few jobs rather than a machine full of renders."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from videogen_local.stack import Stack

from tests.conftest import stacks

FUZZ_LIMITS = {"VIDEOGEN_MAX_ACTIVE_JOBS_PER_USER": "3", "VIDEOGEN_MAX_QUEUE_DEPTH": "6"}


@pytest.fixture(scope="module")
def _fuzz_stacks(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Stack]]:
    with stacks(pg_url, nats_url, tmp_path_factory) as started:
        yield started

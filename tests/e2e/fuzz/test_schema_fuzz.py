"""Schemathesis against the live `/schema` of a whole stack (harness.py): every operation
of the five surfaces, every check (no 5xx; status codes, content types, bodies and headers
as the schema declares them; 405s with `Allow`; negative data rejected, positive data
accepted), the stateful phase following the schema's links from what one call made into
the next. Zero failures is the bar: a failure's report (with a curl line to reproduce it)
is the assertion's message.

The stack is this module's own: the fuzzer writes the deployment's settings and makes
garbage of every kind, which no other module should see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from videogen_local.stack import Stack

from tests.conftest import stacks
from tests.e2e.fuzz.harness import fuzz


@pytest.fixture(scope="module")
def fuzz_stack(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with stacks(pg_url, nats_url, tmp_path_factory) as started:
        yield started()


def test_every_operation_conforms_to_the_schema(fuzz_stack: Stack, tmp_path: Path) -> None:
    report = fuzz(fuzz_stack.base_url, tmp_path / "report")
    assert report.operations > 80, report.output  # the whole schema was read and tested
    assert not report.failures, f"{report.summary()}\n\n{report.output}"
    assert report.returncode == 0, report.output

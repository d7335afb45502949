"""Schemathesis against the live `/schema` of a whole stack (harness.py): every operation
of the five surfaces, every check (no 5xx; status codes, content types, bodies and headers
as the schema declares them; 405s with `Allow`; negative data rejected, positive data
accepted), the stateful phase following the schema's links from what one call made into
the next. Zero failures is the bar: a failure's report (with a curl line to reproduce it)
is the assertion's message.

The stack is this module's own: the fuzzer writes the deployment's settings and makes
garbage of every kind, which no other module should see. It runs at most a few jobs at
once (the abuse limits' active-job caps, sec-limits): past them a job request is a 429,
which the schema declares, so the fuzzer's positive cases do not fill the machine with
renders.

The same run with API keys required, fuzzed by another user, is test_schema_fuzz_keyed.py:
a file of its own, so that the two runs (minutes each) go to both workers at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from videogen_local.stack import Stack

from tests.e2e.fuzz.conftest import FUZZ_LIMITS
from tests.e2e.fuzz.harness import fuzz


@pytest.fixture(scope="module")
def fuzz_stack(_fuzz_stacks: Callable[..., Stack]) -> Stack:
    return _fuzz_stacks(**FUZZ_LIMITS)


# Longer than the suite's 300 s default: the whole schema, on a machine that runs other
# modules beside it (the harness's own bound is its few examples per operation).
@pytest.mark.timeout(600)
def test_every_operation_conforms_to_the_schema(fuzz_stack: Stack, tmp_path: Path) -> None:
    report = fuzz(fuzz_stack.base_url, tmp_path / "report", timeout=540)
    assert report.operations > 80, report.output  # the whole schema was read and tested
    assert not report.failures, f"{report.summary()}\n\n{report.output}"
    assert report.returncode == 0, report.output

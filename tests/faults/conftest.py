"""A stack with its own nats-server and PostgreSQL, under the launcher's own supervision.

The test may kill -9 or SIGSTOP either server: the same `InfraSupervisor` that `make run`
uses brings it back (same data directory, same port), in a thread, as the launcher's main
loop would, and restarts any service or the gateway that dies meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from videogen_local.supervision import SupervisedStack, supervised_stack


@pytest.fixture(name="supervised_stack")
def _supervised_stack(tmp_path: Path) -> Iterator[SupervisedStack]:
    with supervised_stack(tmp_path, "f" + uuid.uuid4().hex[:10]) as running:
        yield running

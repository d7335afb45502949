"""The `manim_status` query: can this deployment render Manim scenes, and in which sandbox.

The answer is the sandbox library's probe (`sandbox_status`: does bubblewrap work, else the
unshare fallback, and does the render interpreter import manim), taken once per process:
it starts a sandboxed Python, a second or two, so it runs in a thread, begun when the
service starts, and every later query (the gateway asks before each POST of doc 003, and
for /api/ai/health) gets the same answer at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from videogen_contracts.media.manim_status import GetManimStatus, ManimStatus
from videogen_media.manim.sandbox import sandbox_status


class ManimStatusQuery:
    def __init__(self, probe: Callable[[], ManimStatus] = sandbox_status) -> None:
        self._probe = probe
        self._answer: asyncio.Task[ManimStatus] | None = None

    def warm(self) -> None:
        """Begin the probe now (in a thread), so the first query does not wait for it."""
        if self._answer is None:
            self._answer = asyncio.create_task(asyncio.to_thread(self._probe))

    async def status(self) -> ManimStatus:
        self.warm()
        assert self._answer is not None
        # shield: a query that times out must not cancel the probe every later one awaits.
        return await asyncio.shield(self._answer)

    async def answer(self, query: GetManimStatus) -> ManimStatus:
        return await self.status()

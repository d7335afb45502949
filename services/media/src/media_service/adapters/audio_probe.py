"""The job's AudioProbe: narration lengths measured by videogen_media.probe (PyAV), as the
renderer and the tests see them."""

from __future__ import annotations

from pathlib import Path

from videogen_media.probe import probe_async


class PyAvProbe:
    async def duration_s(self, path: Path) -> float:
        return (await probe_async(path)).duration

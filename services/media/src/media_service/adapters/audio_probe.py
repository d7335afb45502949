"""Audio durations measured with PyAV, as the tests and the renderer see them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av


class PyAvProbe:
    async def duration_s(self, path: Path) -> float:
        return await asyncio.to_thread(probe_audio_duration, path)


def probe_audio_duration(path: Path) -> float:
    """Seconds of audio in the file's first audio stream."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        if container.duration is not None:
            return float(container.duration) / 1_000_000
    raise ValueError(f"{path}: no duration")

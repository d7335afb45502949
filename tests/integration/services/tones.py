"""Real WAV files for the Aura integration tests: a sine tone of a given length."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path


def write_tone(path: Path, seconds: float, rate: int = 22_050, hz: float = 330) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = int(seconds * rate)
    samples = (int(6000 * math.sin(2 * math.pi * hz * n / rate)) for n in range(count))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples))

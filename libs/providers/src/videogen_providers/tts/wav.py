"""WAV facts and fixes: measured durations, trailing pauses, headers of streamed WAVs."""

from __future__ import annotations

import os
import struct
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class InvalidWav(ValueError):
    """Not a PCM WAV we can read."""


@dataclass(frozen=True, slots=True)
class PcmAudio:
    samples: np.ndarray  # int16, interleaved
    rate: int
    channels: int

    @property
    def duration(self) -> float:
        return self.samples.size / self.channels / self.rate


def parse_wav(data: bytes) -> PcmAudio:
    """16-bit PCM from WAV bytes, tolerating the unknown sizes (0xFFFFFFFF or 0) that
    streaming servers put in the RIFF and data headers, since they send it before they know
    its length."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidWav("not a RIFF/WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            fmt = struct.unpack("<HHIIHH", data[body : body + 16])
        elif chunk_id == b"data":
            if fmt is None:
                raise InvalidWav("data before fmt")
            tag, channels, rate, _byte_rate, _align, bits = fmt
            if tag not in (1, 0xFFFE) or bits != 16:
                raise InvalidWav(f"only 16-bit PCM is supported (format {tag}, {bits} bits)")
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body + size)
            end -= (end - body) % (2 * channels)
            samples = np.frombuffer(data[body:end], dtype="<i2").astype(np.int16)
            return PcmAudio(samples, rate, channels)
        pos = body + size + (size & 1)
    raise InvalidWav("no data chunk")


def write_wav_atomically(path: Path, audio: PcmAudio) -> None:
    """Write a well-formed WAV; the file appears whole under `path` or not at all."""
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    try:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(audio.channels)
            out.setsampwidth(2)
            out.setframerate(audio.rate)
            out.writeframes(audio.samples.astype("<i2").tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def with_pause(audio: PcmAudio, pause_ms: int) -> PcmAudio:
    silence = np.zeros(audio.rate * pause_ms // 1000 * audio.channels, dtype=np.int16)
    return PcmAudio(np.concatenate([audio.samples, silence]), audio.rate, audio.channels)


def wav_duration(path: Path) -> float:
    """Measured length in seconds of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def wav_rms(path: Path) -> float:
    """Root mean square of the samples, 0..1 of full scale (speech is well above 0.01)."""
    audio = parse_wav(path.read_bytes())
    if not audio.samples.size:
        return 0.0
    return float(np.sqrt(np.mean((audio.samples.astype(np.float64) / 32768) ** 2)))

"""WAV parsing (including streamed headers), pauses and measured durations."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from videogen_providers.tts.wav import (
    InvalidWav,
    PcmAudio,
    parse_wav,
    wav_duration,
    wav_rms,
    with_pause,
    write_wav_atomically,
)


def streamed_wav(samples: np.ndarray, rate: int) -> bytes:
    """A WAV as streaming servers send it: both sizes unknown (0xFFFFFFFF)."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE"
        + b"fmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", 0xFFFFFFFF) + samples.astype("<i2").tobytes()
    )  # fmt: skip


def test_streamed_wav_is_read_to_its_real_end(tmp_path: Path) -> None:
    tone = (np.sin(np.arange(24_000) / 10) * 8000).astype(np.int16)
    audio = parse_wav(streamed_wav(tone, 24_000))
    assert audio.duration == pytest.approx(1.0)
    out = tmp_path / "fixed.wav"
    write_wav_atomically(out, with_pause(audio, 250))
    assert wav_duration(out) == pytest.approx(1.25)
    assert 0.1 < wav_rms(out) < 0.3
    assert [p.name for p in tmp_path.iterdir()] == ["fixed.wav"]


def test_odd_trailing_byte_is_dropped() -> None:
    data = streamed_wav(np.ones(10, dtype=np.int16), 8000) + b"\x01"
    assert parse_wav(data).samples.size == 10


@pytest.mark.parametrize(
    "data", [b"", b"RIFF\x00\x00\x00\x00WAVX", b"RIFF\x04\x00\x00\x00WAVE"]
)
def test_not_a_wav(data: bytes) -> None:
    with pytest.raises(InvalidWav):
        parse_wav(data)


def test_float_wav_is_refused() -> None:
    fmt = struct.pack("<HHIIHH", 3, 1, 8000, 32000, 4, 32)
    data = b"RIFF" + struct.pack("<I", 36) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    data += b"data" + struct.pack("<I", 0)
    with pytest.raises(InvalidWav, match="16-bit"):
        parse_wav(data)


def test_silence_has_zero_rms(tmp_path: Path) -> None:
    out = tmp_path / "s.wav"
    write_wav_atomically(out, PcmAudio(np.zeros(800, dtype=np.int16), 8000, 1))
    assert wav_rms(out) == 0.0
    assert wav_duration(out) == pytest.approx(0.1)

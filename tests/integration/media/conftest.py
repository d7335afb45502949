"""Real media for the media library's tests: Piper narration, ffmpeg-made clips."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from videogen_media.ffmpeg_path import ffmpeg_executable

SENTENCES = (
    "The ocean is deep and blue, full of strange and wonderful creatures.",
    "Fire warms the desert night under a thousand bright stars.",
    "Forests breathe slowly, and their leaves turn gold in autumn.",
)


def make_clip(path: Path, *args: str) -> Path:
    subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def clip_maker() -> Callable[..., Path]:
    return make_clip


@pytest.fixture(scope="session")
def narration(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path, float]]:
    """Three sentences spoken by the real Piper voice: (text, wav, seconds)."""
    from videogen_providers.tts.piper_model import default_voice_model
    from videogen_providers.tts.piper_voice import load_voice, synthesize_to_wav

    voice = load_voice(default_voice_model())
    out = tmp_path_factory.mktemp("narration")
    spoken = []
    for i, text in enumerate(SENTENCES):
        wav = out / f"s{i}.wav"
        synthesize_to_wav(voice, text, rate=1.0, pause_ms=150, out=wav)
        with wave.open(str(wav), "rb") as w:
            spoken.append((text, wav, w.getnframes() / w.getframerate()))
    return spoken

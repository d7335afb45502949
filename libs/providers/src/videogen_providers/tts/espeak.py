"""espeak-ng as a SpeechSynthesizer: the fallback when Piper cannot run.

Used only when `espeak-ng` is on PATH. Its rate is words per minute (175 is its default)
and its pitch 0..99 (50 is its default), so the options scale those.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from videogen_providers.tts.synthesizer import TtsUnavailable, VoiceOptions, check_speakable
from videogen_providers.tts.wav import parse_wav, with_pause, write_wav_atomically

DEFAULT_WPM = 175
DEFAULT_PITCH = 50


class EspeakFailed(RuntimeError):
    """espeak-ng exited non-zero."""


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


class EspeakSynthesizer:
    name = "espeak-ng"

    def __init__(self, executable: str | None = None, *, default_voice: str = "en-us") -> None:
        found = executable or espeak_path()
        if found is None:
            raise TtsUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
        self.executable = found
        self.default_voice = default_voice

    async def synthesize(self, text: str, out_wav: Path, options: VoiceOptions) -> float:
        check_speakable(text)
        wpm = round(DEFAULT_WPM * options.rate)
        pitch = max(0, min(99, round(DEFAULT_PITCH * options.pitch)))
        with tempfile.TemporaryDirectory(prefix="vg-espeak-") as tmp:
            raw = Path(tmp) / "raw.wav"
            # "--" ends the options: a sentence that starts with "-" is text, not a flag.
            proc = await asyncio.create_subprocess_exec(
                self.executable, "-v", options.voice or self.default_voice,
                "-s", str(wpm), "-p", str(pitch), "-w", str(raw), "--", text,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            _, stderr = await proc.communicate()
            if proc.returncode != 0:
                raise EspeakFailed(stderr.decode(errors="replace").strip()[-500:])
            audio = with_pause(parse_wav(await asyncio.to_thread(raw.read_bytes)), options.pause_ms)
            await asyncio.to_thread(write_wav_atomically, out_wav, audio)
        return audio.duration

    async def aclose(self) -> None:
        return None

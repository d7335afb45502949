"""Piper synthesis: the voice, and one sentence to a WAV file.

Import it only where the synthesis runs (the media service's TTS worker processes, the
gateway's provider check subprocess), so no long-lived main process loads onnxruntime or
the model.

Why single-threaded sessions: Piper's model is small, so one sentence gains little from
intra-op threads, while one process per core keeps every core busy (measured here: two
1-thread runs in parallel beat one default session, which spreads each run over every core,
by about 1.5x).

Why long sentences are voiced in pieces: the model's scratch memory grows with its input (a
400-character sentence took ~400 MB in one run), and the issue caps every process at
400 MB. Phonemes are cut into pieces of at most `MAX_PHONEMES`, at a clause mark when there
is one, else between words. onnxruntime's memory-pattern planning, which keeps buffers per
input shape (every sentence has a new shape), is off for the same reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime  # type: ignore[import-untyped]
from piper import PiperConfig, PiperVoice, SynthesisConfig

from videogen_providers.tts.wav import PcmAudio, write_wav_atomically

MAX_PHONEMES = 100
CLAUSE_MARKS = frozenset(",;:")


class NothingToSay(ValueError):
    """The text has no phonemes (only punctuation, say): there is nothing to voice."""


def load_voice(model_path: Path) -> PiperVoice:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_mem_pattern = False
    config = json.loads(Path(f"{model_path}.json").read_text(encoding="utf-8"))
    return PiperVoice(
        config=PiperConfig.from_dict(config),
        session=onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        ),
    )


def synthesize_to_wav(
    voice: PiperVoice, text: str, rate: float, pause_ms: int, out: Path, pitch: float = 1.0
) -> None:
    """Speak `text` into `out` at `rate` (speed) and `pitch` (both 1.0 = the voice's own).

    `out` appears whole or not at all. Stops early, writing nothing, once its directory is
    gone: that is how a cancelled job (whose temporary directory was removed) stops a
    synthesis running in a worker process within one piece of phonemes, not at its end.
    """
    sentences = [p for p in voice.phonemize(text) if p]
    if not sentences:
        raise NothingToSay(f"nothing speakable in {text[:80]!r}")
    # Piper has no pitch control. The rate maps to the phoneme length scale; the pitch is
    # a resampling by `pitch`, which also shortens the audio by `pitch`, so the phonemes
    # are first made that much longer: the duration depends on the rate alone.
    config = SynthesisConfig(length_scale=pitch / rate)
    parts = []
    for piece in (piece for p in sentences for piece in pieces(p)):
        if not out.parent.is_dir():
            return
        parts.append(_audio(voice, piece, config))
    speech = _repitch(np.concatenate(parts), pitch)
    sample_rate = voice.config.sample_rate
    pause = np.zeros(sample_rate * pause_ms // 1000, dtype=np.int16)
    write_wav_atomically(out, PcmAudio(np.concatenate([speech, pause]), sample_rate, 1))


def _repitch(samples: np.ndarray, pitch: float) -> np.ndarray:
    """Raise (or lower) the pitch by `pitch`, resampling: `len / pitch` samples."""
    if abs(pitch - 1.0) < 1e-6 or samples.size < 2:
        return samples
    length = max(2, round(samples.size / pitch))
    positions = np.linspace(0, samples.size - 1, length)
    resampled: np.ndarray = np.interp(positions, np.arange(samples.size), samples).astype(np.int16)
    return resampled


def _audio(voice: PiperVoice, phonemes: list[str], config: SynthesisConfig) -> np.ndarray:
    result = voice.phoneme_ids_to_audio(voice.phonemes_to_ids(phonemes), config)
    audio = result[0] if isinstance(result, tuple) else result
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio / peak
    samples: np.ndarray = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
    return samples


def pieces(phonemes: list[str], limit: int = MAX_PHONEMES) -> list[list[str]]:
    """Cut a phoneme sequence into pieces of at most `limit`, at clause marks or spaces."""
    out = []
    while len(phonemes) > limit:
        window = range(limit // 2, limit)
        cut = max((i for i in window if phonemes[i] in CLAUSE_MARKS), default=None)
        if cut is None:
            cut = max((i for i in window if phonemes[i] == " "), default=limit - 1)
        out.append(phonemes[: cut + 1])
        phonemes = phonemes[cut + 1 :]
    out.append(phonemes)
    return out

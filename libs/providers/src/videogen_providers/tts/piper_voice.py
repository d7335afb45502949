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

Why the model is patched: its alignment tensor (samples per phoneme id) becomes an output,
so each synthesis also says when each word is spoken (piper_alignment). The patched copy
is made once, by a child process, into a cache file (piper_patch says why not in memory);
a model that cannot be patched still speaks, without timings.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime  # type: ignore[import-untyped]
import structlog
from piper import PiperConfig, PiperVoice, SynthesisConfig
from videogen_text.spoken_words import spoken_words
from videogen_text.words import WordTiming

from videogen_providers.tts.piper_alignment import (
    PhonemeSpan,
    phoneme_ids,
    phoneme_spans,
    phoneme_words,
    word_timings,
)
from videogen_providers.tts.piper_patch import ensure_patched
from videogen_providers.tts.wav import PcmAudio, write_wav_atomically

log = structlog.get_logger("videogen_providers.tts.piper")

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
    session = onnxruntime.InferenceSession(
        _with_alignments(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(config=PiperConfig.from_dict(config), session=session)


def _with_alignments(model_path: Path) -> str:
    """The model with its alignment output (a patched copy: piper_patch), else as it is."""
    patched = ensure_patched(model_path)
    if patched is None:
        log.warning("tts.piper.no_alignments", model=str(model_path))
        return str(model_path)
    return str(patched)


def synthesize_to_wav(
    voice: PiperVoice, text: str, rate: float, pause_ms: int, out: Path, pitch: float = 1.0
) -> list[WordTiming] | None:
    """Speak `text` into `out` at `rate` (speed) and `pitch` (both 1.0 = the voice's own);
    returns when each word is spoken in `out`, or None when the model gives no alignments.

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
    parts: list[np.ndarray] = []
    spans: list[PhonemeSpan] | None = []
    position = 0
    for sentence in sentences:
        for piece in pieces(sentence):
            if not out.parent.is_dir():
                return None
            samples, piece_spans = _audio(voice, piece, config, position)
            parts.append(samples)
            position += samples.size
            spans = None if spans is None or piece_spans is None else spans + piece_spans
        if spans is not None:  # sentences are words apart, whatever their last mark
            spans.append(PhonemeSpan(" ", position, position))
    speech = _repitch(np.concatenate(parts), pitch)
    sample_rate = voice.config.sample_rate
    pause = np.zeros(sample_rate * pause_ms // 1000, dtype=np.int16)
    write_wav_atomically(out, PcmAudio(np.concatenate([speech, pause]), sample_rate, 1))
    if spans is None:
        return None
    words = phoneme_words(spans)
    return word_timings(
        text, words, sample_rate, solo=_solo_phonemes(voice, text, len(words)),
        time_scale=speech.size / max(1, position),
    )


def _solo_phonemes(voice: PiperVoice, text: str, spoken: int) -> list[str] | None:
    """Each written word's phonemes said alone, when the sentence's phoneme words do not
    match its words one to one ("1999" is three, "of the" one)."""
    written = spoken_words(text)
    if len(written) == spoken:
        return None
    marks = str.maketrans("", "", ".,;:!?")
    return ["".join("".join(p) for p in voice.phonemize(w)).translate(marks) for w in written]


def _repitch(samples: np.ndarray, pitch: float) -> np.ndarray:
    """Raise (or lower) the pitch by `pitch`, resampling: `len / pitch` samples."""
    if abs(pitch - 1.0) < 1e-6 or samples.size < 2:
        return samples
    length = max(2, round(samples.size / pitch))
    positions = np.linspace(0, samples.size - 1, length)
    resampled: np.ndarray = np.interp(positions, np.arange(samples.size), samples).astype(np.int16)
    return resampled


def _audio(
    voice: PiperVoice, phonemes: list[str], config: SynthesisConfig, offset: int
) -> tuple[np.ndarray, list[PhonemeSpan] | None]:
    """One piece's samples, and its phonemes' spans from `offset` (None: no alignments)."""
    ids, owners = phoneme_ids(phonemes, voice.config.phoneme_id_map)
    if ids != voice.phonemes_to_ids(phonemes):  # a voice with its own ids (pinyin): no map
        ids, owners = voice.phonemes_to_ids(phonemes), []
    result = voice.phoneme_ids_to_audio(ids, config, include_alignments=True)
    audio, id_samples = result if isinstance(result, tuple) else (result, None)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio / peak
    samples: np.ndarray = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
    if id_samples is None or len(id_samples) != len(owners):
        return samples, None
    return samples, phoneme_spans(phonemes, owners, id_samples.tolist(), offset)


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

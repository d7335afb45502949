"""Piper as a SpeechSynthesizer: the voice loaded once per worker, never on the event loop.

`workers=0` synthesizes in one background thread of this process (the voice loaded once,
on first use). `workers=N` runs a pool of N processes, each loading the voice once in its
initializer, so N sentences are voiced at once on N cores: Piper's sessions are
single-threaded (see piper_voice), so processes, not threads, are what use the cores. They
also keep each synthesis's scratch memory (up to ~150 MB for a long sentence) out of the
caller's process, so no process holds more than one.
The pool uses "spawn": forking a process that runs an event loop and threads can deadlock.

At most `workers` sentences are handed to the pool at once: the rest wait here, where a
cancelled job's sentences are simply dropped, instead of in the pool's queue. A worker
that dies (killed for memory, say) breaks the pool: it is replaced, and that sentence
raises TtsWorkerLost, a transient failure for the caller to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from videogen_text.words import WordTiming

from videogen_providers.tts.piper_model import default_voice_model
from videogen_providers.tts.synthesizer import (
    NothingToSpeak,
    Spoken,
    VoiceOptions,
    check_speakable,
)
from videogen_providers.tts.wav import wav_duration

_voice: Any = None  # this worker's PiperVoice (a process global: one per process)
PR_SET_PDEATHSIG = 1


class TtsWorkerLost(RuntimeError):
    """A TTS worker process died mid-sentence; the pool was replaced: retry the sentence."""


def _load_voice_once(model_path: str) -> None:
    from videogen_providers.tts.piper_voice import load_voice

    global _voice
    if _voice is None:
        _voice = load_voice(Path(model_path))


def _start_worker(model_path: str) -> None:
    """In each worker process: die with the parent (even on its kill -9), then load."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
    # Ctrl-C reaches the whole process group: the parent shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _load_voice_once(model_path)


def _worker_pid(hold_s: float) -> int:
    # Held briefly so that each of the N warm-up calls lands on a different worker.
    time.sleep(hold_s)
    return os.getpid()


def _synthesize_in_worker(
    text: str, out: str, rate: float, pitch: float, pause_ms: int
) -> tuple[float, int, list[WordTiming] | None]:
    """In a worker: the WAV is written there; its length, this pid and the word timings
    come back to the caller (pickled: the alignments exist only in the worker)."""
    from videogen_providers.tts.piper_voice import NothingToSay, synthesize_to_wav

    try:
        words = synthesize_to_wav(_voice, text, rate, pause_ms, Path(out), pitch=pitch)
    except NothingToSay as exc:
        raise NothingToSpeak(str(exc)) from None
    return wav_duration(Path(out)), os.getpid(), words


class PiperSynthesizer:
    def __init__(self, model: Path | None = None, *, workers: int = 0) -> None:
        self.model = model or default_voice_model()
        if not self.model.is_file():
            raise FileNotFoundError(f"Piper voice model not found: {self.model}")
        # The voice is part of the name: audio reused by name must be this voice's.
        self.name = f"piper:{self.model.stem}"
        self.workers = workers
        self._slots = asyncio.Semaphore(max(1, workers))
        self._executor = self._new_executor()

    def _new_executor(self) -> Executor:
        if self.workers > 0:
            return ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(str(self.model),),
            )
        return ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="piper", initializer=_load_voice_once,
            initargs=(str(self.model),),
        )

    async def start(self) -> set[int]:
        """Start every worker and load the voice in each now (not on the first sentence),
        so a broken voice fails the start; returns the pids that answered (this process's
        own with workers=0)."""
        loop = asyncio.get_running_loop()
        count = max(1, self.workers)
        hold = 0.5 if count > 1 else 0.0
        pids = await asyncio.gather(
            *(loop.run_in_executor(self._executor, _worker_pid, hold) for _ in range(count))
        )
        return set(pids)

    async def synthesize(self, text: str, out_wav: Path, options: VoiceOptions) -> float:
        return (await self.speak(text, out_wav, options)).seconds

    async def speak(self, text: str, out_wav: Path, options: VoiceOptions) -> Spoken:
        """Synthesize, with the voice's own word timings (Piper's alignments)."""
        check_speakable(text)
        seconds, _pid, words = await self._run(text, out_wav, options)
        return Spoken(seconds, words)

    async def _run(
        self, text: str, out_wav: Path, options: VoiceOptions
    ) -> tuple[float, int, list[WordTiming] | None]:
        async with self._slots:
            loop, executor = asyncio.get_running_loop(), self._executor
            try:
                return await loop.run_in_executor(
                    executor,
                    _synthesize_in_worker,
                    text, str(out_wav), options.rate, options.pitch, options.pause_ms,
                )  # fmt: skip
            except BrokenProcessPool as error:
                if self._executor is executor:  # the first to notice replaces the pool
                    self._executor = self._new_executor()
                    executor.shutdown(wait=False, cancel_futures=True)
                raise TtsWorkerLost(f"a TTS worker died: {error}") from error

    async def synthesize_many(
        self, items: Sequence[tuple[str, Path]], options: VoiceOptions
    ) -> list[tuple[float, int]]:
        """Voice several sentences at once, as many in parallel as there are workers;
        returns (seconds, pid of the process that spoke it) per sentence."""
        for text, _path in items:
            check_speakable(text)
        done = await asyncio.gather(*(self._run(t, p, options) for t, p in items))
        return [(seconds, pid) for seconds, pid, _words in done]

    async def aclose(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

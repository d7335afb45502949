"""Piper neural TTS as the job's Narrator: a pool of worker processes, one voice in each.

The synthesis itself is videogen_providers.tts.piper_voice. Why processes and not threads:
each sentence's synthesis needs up to ~150 MB of scratch memory, and the issue caps every process at
400 MB; with the model and the scratch in their own processes, the service's main process
stays small and no process holds more than one synthesis. It also gives true parallelism:
phonemization (espeak-ng, which is not thread-safe) runs in every worker at once.

The voice is loaded once per worker process, at start (a missing model stops the service
before it takes work). `parallelism` workers serve every job of the process; a sentence
waits for a free one. A worker that dies (killed for memory, say) breaks the pool: it is
replaced, and the sentence is reported as a transient failure for the job to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from videogen_contracts.media.events import VoiceSettings

_voice: Any = None  # the worker process's PiperVoice


def _start_worker(model_path: str) -> None:
    """In each worker: die with the service (even on kill -9), then load the voice once."""
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the service died before prctl took effect
        os._exit(1)
    # Ctrl-C reaches the whole process group: the service shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from videogen_providers.tts.piper_voice import load_voice

    global _voice
    _voice = load_voice(Path(model_path))


def _narrate_in_worker(text: str, rate: float, pitch: float, pause_ms: int, out: str) -> None:
    from videogen_providers.tts.piper_voice import NothingToSay, synthesize_to_wav

    from media_service.workers.ports import StageFailed

    try:
        synthesize_to_wav(_voice, text, rate, pause_ms, Path(out), pitch=pitch)
    except NothingToSay as error:
        raise StageFailed(str(error)) from error


def _ready() -> int:
    return os.getpid()


class TtsWorkerLost(Exception):
    """A TTS worker process died mid-sentence; the job retries (the pool is replaced)."""


class PiperNarrator:
    def __init__(self, model_path: Path, parallelism: int) -> None:
        self.name = f"piper:{model_path.stem}"
        self._model_path = model_path
        self._parallelism = parallelism
        self._slots = asyncio.Semaphore(parallelism)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._parallelism,
            # spawn: a fork of an asyncio process with live threads is not safe.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(self._model_path),),
        )

    async def start(self) -> None:
        """Start every worker and load its voice now, so a broken voice fails the start."""
        loop = asyncio.get_running_loop()
        pids = await asyncio.gather(
            *(loop.run_in_executor(self._pool, _ready) for _ in range(self._parallelism * 2))
        )
        if not pids:
            raise RuntimeError("no TTS worker started")

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        async with self._slots:
            loop = asyncio.get_running_loop()
            pool = self._pool
            try:
                await loop.run_in_executor(
                    pool, _narrate_in_worker, text, voice.rate, voice.pitch, voice.pause_ms,
                    str(out),
                )
            except BrokenProcessPool as error:
                if self._pool is pool:
                    self._pool = self._new_pool()
                    pool.shutdown(wait=False, cancel_futures=True)
                raise TtsWorkerLost(f"a TTS worker died: {error}") from error

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

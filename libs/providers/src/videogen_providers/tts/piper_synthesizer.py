"""Piper as a SpeechSynthesizer: the voice loaded once per worker, never on the event loop.

`workers=0` synthesizes in one background thread of this process (the voice loaded once,
on first use). `workers=N` runs a pool of N processes, each loading the voice once in its
initializer, so N sentences are voiced at once on N cores: Piper's sessions are
single-threaded (see piper_voice), so processes, not threads, are what use the cores.
The pool uses "spawn": forking a process that runs an event loop and threads can deadlock.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from videogen_providers.tts.piper_model import default_voice_model
from videogen_providers.tts.synthesizer import NothingToSpeak, VoiceOptions, check_speakable
from videogen_providers.tts.wav import wav_duration

_voice: Any = None  # this worker's PiperVoice (a process global: one per process)


def _load_voice_once(model_path: str) -> None:
    from videogen_providers.tts.piper_voice import load_voice

    global _voice
    if _voice is None:
        _voice = load_voice(Path(model_path))


def _worker_pid(hold_s: float) -> int:
    # Held briefly so that each of the N warm-up calls lands on a different worker.
    time.sleep(hold_s)
    return os.getpid()


def _synthesize_in_worker(
    text: str, out: str, rate: float, pitch: float, pause_ms: int
) -> tuple[float, int]:
    from videogen_providers.tts.piper_voice import NothingToSay, synthesize_to_wav

    target = Path(out)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex}")
    try:
        synthesize_to_wav(_voice, text, rate, pause_ms, tmp, pitch=pitch)
        os.replace(tmp, target)
    except NothingToSay as exc:
        raise NothingToSpeak(str(exc)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return wav_duration(target), os.getpid()


class PiperSynthesizer:
    name = "piper"

    def __init__(self, model: Path | None = None, *, workers: int = 0) -> None:
        self.model = model or default_voice_model()
        if not self.model.is_file():
            raise FileNotFoundError(f"Piper voice model not found: {self.model}")
        self.workers = workers
        self._executor: Executor
        if workers > 0:
            self._executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load_voice_once,
                initargs=(str(self.model),),
            )
        else:
            self._executor = ThreadPoolExecutor(
                max_workers=1,
                thread_name_prefix="piper",
                initializer=_load_voice_once,
                initargs=(str(self.model),),
            )

    async def start(self) -> set[int]:
        """Start every worker and load the voice in each now (not on the first sentence);
        returns the pids that answered (this process's own with workers=0)."""
        loop = asyncio.get_running_loop()
        count = max(1, self.workers)
        hold = 0.5 if count > 1 else 0.0
        pids = await asyncio.gather(
            *(loop.run_in_executor(self._executor, _worker_pid, hold) for _ in range(count))
        )
        return set(pids)

    async def synthesize(self, text: str, out_wav: Path, options: VoiceOptions) -> float:
        check_speakable(text)
        seconds, _pid = await self._run(text, out_wav, options)
        return seconds

    async def _run(self, text: str, out_wav: Path, options: VoiceOptions) -> tuple[float, int]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor,
            _synthesize_in_worker,
            text, str(out_wav), options.rate, options.pitch, options.pause_ms,
        )  # fmt: skip

    async def synthesize_many(
        self, items: Sequence[tuple[str, Path]], options: VoiceOptions
    ) -> list[tuple[float, int]]:
        """Voice several sentences at once, as many in parallel as there are workers;
        returns (seconds, pid of the process that spoke it) per sentence."""
        for text, _path in items:
            check_speakable(text)
        return list(await asyncio.gather(*(self._run(t, p, options) for t, p in items)))

    async def aclose(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

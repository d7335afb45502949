"""Speaks with the catalogue voice a job chose: Piper per model, or espeak-ng.

Each Piper voice gets its own PiperSynthesizer (its pool of workers, each holding that
model), made on the voice's first sentence; the default voice's is started up front, so a
broken default voice stops the service before it takes work. espeak-ng runs one process
per sentence, at most `workers` at once (as many as Piper would run), so a long script
in espeak's languages does not start a process per sentence all at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from videogen_providers.tts.espeak import EspeakSynthesizer, espeak_path
from videogen_providers.tts.espeak_reading import reads_language, reads_text
from videogen_providers.tts.piper_synthesizer import PiperSynthesizer
from videogen_providers.tts.synthesizer import NO_VOICE, Spoken, TtsUnavailable, VoiceOptions
from videogen_providers.tts.voices import InstalledVoice, VoiceCatalogue


class VoiceRouter:
    def __init__(
        self, catalogue: VoiceCatalogue, *, workers: int = 0, espeak: str | None = None
    ) -> None:
        if not catalogue.installed:
            raise TtsUnavailable(NO_VOICE)
        self.catalogue = catalogue
        self.workers = workers
        self._espeak_executable = espeak
        self._piper: dict[Path, PiperSynthesizer] = {}
        self._espeak: EspeakSynthesizer | None = None
        self._espeak_slots = asyncio.Semaphore(max(1, workers))

    @property
    def name(self) -> str:
        engines = sorted({v.engine for v in self.catalogue.voices})
        return f"voices:{'+'.join(engines)}"

    def choose(self, name: str | None, language: str) -> InstalledVoice:
        """Raises UnknownVoice (naming the installed ones) for a name not installed."""
        return self.catalogue.choose(name, language)

    def speaking(self, language: str) -> InstalledVoice | None:
        """The installed voice that really speaks `language`, or None (see voices)."""
        return self.catalogue.speaking(language, self._reads_language)

    def reads(self, voice: InstalledVoice, text: str) -> bool:
        """The voice can read this very text (espeak-ng spells what it cannot read)."""
        executable = self._espeak_executable or espeak_path()
        if voice.model is not None or executable is None:
            return True
        return reads_text(executable, voice.voice.id, text)

    def _reads_language(self, voice: InstalledVoice, language: str) -> bool:
        executable = self._espeak_executable or espeak_path()
        if voice.model is not None or executable is None:
            return True
        return reads_language(executable, voice.voice.id, language)

    async def start(self) -> None:
        default = self.catalogue.installed[0]
        if default.model is not None:
            await self._piper_for(default.model).start()

    async def synthesize(
        self, voice: InstalledVoice, text: str, out_wav: Path, options: VoiceOptions
    ) -> float:
        return (await self.speak(voice, text, out_wav, options)).seconds

    async def speak(
        self, voice: InstalledVoice, text: str, out_wav: Path, options: VoiceOptions
    ) -> Spoken:
        """Piper's voices give their own word timings; espeak-ng's give none."""
        if voice.model is not None:
            return await self._piper_for(voice.model).speak(text, out_wav, options)
        async with self._espeak_slots:
            espeak = self._espeak or EspeakSynthesizer(self._espeak_executable)
            self._espeak = espeak
            seconds = await espeak.synthesize(
                text, out_wav, dataclasses.replace(options, voice=voice.voice.id)
            )
        return Spoken(seconds)

    def _piper_for(self, model: Path) -> PiperSynthesizer:
        # No await between the lookup and the insert: one pool per model, even when many
        # sentences of a new voice arrive at once.
        if model not in self._piper:
            self._piper[model] = PiperSynthesizer(model, workers=self.workers)
        return self._piper[model]

    async def aclose(self) -> None:
        await asyncio.gather(*(p.aclose() for p in self._piper.values()))
        self._piper.clear()

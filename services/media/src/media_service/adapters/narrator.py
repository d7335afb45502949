"""The job's Narrator on videogen_providers: the catalogue's voices, or a vendor's.

Which voice speaks a sentence: the job's voiceName for sentences in that voice's own
language; any other sentence (its language detected per sentence, tts/language.py) gets
its language's own voice: a Piper voice where a package ships one, else espeak-ng's, but
only a voice that really reads the language's script (tts/espeak_reading.py). When none
does, `speaker` says None and the sentence is not voiced (tts/unvoiced.py: silence of its
reading time) rather than mumbled. Running the voices (a Piper pool per voice, long
sentences in pieces, a dead worker replaced, espeak-ng's processes bounded) is the
provider library's.

Every narration returns its words' timings (`SentenceWords`, times from the WAV's start):
Piper's own alignments, computed in the worker process that spoke and sent back with the
audio's length; for espeak-ng and vendors' voices, the aligner (videogen_media.
word_align) measures them on the WAV, in a thread (it takes ~20 ms a sentence).

`speaker` names who speaks ("piper:en_US-joe-medium", "espeak:de"): it is part of the
narration cache key, so a job in another voice never reuses this one's audio. It may run
espeak-ng once per voice and language (~20 ms, then cached for the process) to check that
the voice reads the script.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from videogen_contracts.media.events import VoiceSettings
from videogen_media.word_align import align_words
from videogen_providers.tts.selection import select_synthesizer, select_voice_router
from videogen_providers.tts.synthesizer import NothingToSpeak, SpeechSynthesizer, VoiceOptions
from videogen_providers.tts.unvoiced import write_unvoiced
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import InstalledVoice, UnknownVoice, speaks
from videogen_text.words import SentenceWords

from media_service.workers.ports import StageFailed


def _options(voice: VoiceSettings) -> VoiceOptions:
    return VoiceOptions(
        voice=voice.voice, rate=voice.rate, pitch=voice.pitch, pause_ms=voice.pause_ms
    )


async def _aligned(out: Path, text: str, language: str, voice: str) -> SentenceWords:
    words = await asyncio.to_thread(align_words, out, text)
    return SentenceWords(source="aligner", words=words, language=language, voice=voice)


class VoiceNarrator:
    """Speaks each sentence in an installed voice that speaks its language."""

    def __init__(self, router: VoiceRouter) -> None:
        self.router = router

    @property
    def name(self) -> str:
        return self.router.name

    async def start(self) -> None:
        """Start the default voice's Piper workers now: a broken voice stops the service
        before it takes work."""
        await self.router.start()

    def speaker(self, voice: VoiceSettings, language: str) -> str | None:
        chosen = self._chosen(voice, language)
        return chosen.key if chosen is not None else None

    def _chosen(self, voice: VoiceSettings, language: str) -> InstalledVoice | None:
        """The job's voice if it speaks the language, else the language's own (or None).
        Raises StageFailed for a voiceName that is not installed."""
        if voice.voice:
            try:
                named = self.router.catalogue.named(voice.voice)
            except UnknownVoice as error:
                raise StageFailed(str(error)) from error
            if speaks(named, language):
                return named
        return self.router.speaking(language)

    async def narrate(
        self, text: str, voice: VoiceSettings, language: str, out: Path
    ) -> SentenceWords:
        chosen = self._chosen(voice, language)
        readable = chosen is not None and await asyncio.to_thread(self.router.reads, chosen, text)
        if chosen is None or not readable:
            # No voice reads it (this language, or this very text: a Korean sentence
            # with hanja): silence of its reading time, reported as not voiced.
            return await asyncio.to_thread(write_unvoiced, text, language, out)
        try:
            spoken = await self.router.speak(chosen, text, out, _options(voice))
        except NothingToSpeak as error:
            raise StageFailed(str(error)) from error
        if spoken.words is None:
            return await _aligned(out, text, language, chosen.key)
        return SentenceWords(
            source="piper-alignment", words=spoken.words, language=language, voice=chosen.key
        )

    async def aclose(self) -> None:
        await self.router.aclose()


class SynthesizerNarrator:
    """One synthesizer for every job (a vendor's, which takes the voice name as it is and
    speaks the languages it speaks): timings by the aligner."""

    def __init__(self, synthesizer: SpeechSynthesizer) -> None:
        self.synthesizer = synthesizer

    @property
    def name(self) -> str:
        return self.synthesizer.name

    async def start(self) -> None:
        return None

    def speaker(self, voice: VoiceSettings, language: str) -> str | None:
        return self.synthesizer.name

    async def narrate(
        self, text: str, voice: VoiceSettings, language: str, out: Path
    ) -> SentenceWords:
        try:
            await self.synthesizer.synthesize(text, out, _options(voice))
        except NothingToSpeak as error:
            raise StageFailed(str(error)) from error
        return await _aligned(out, text, language, self.synthesizer.name)

    async def aclose(self) -> None:
        await self.synthesizer.aclose()


def narrator_from_env(tts_parallelism: int) -> VoiceNarrator | SynthesizerNarrator:
    """`VIDEOGEN_TTS` picks the voices (the installed ones by default, espeak-ng's only, or
    OpenAI's); Piper gets `tts_parallelism` worker processes per voice in use."""
    router = select_voice_router(piper_workers=tts_parallelism)
    if router is not None:
        return VoiceNarrator(router)
    return SynthesizerNarrator(select_synthesizer(piper_workers=tts_parallelism))

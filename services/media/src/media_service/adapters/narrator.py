"""The job's Narrator on videogen_providers: the catalogue's voices, or a vendor's.

Which voice a job gets (its voiceName, else its language's) and everything about running
it (a Piper pool per voice with the model loaded once per worker, long sentences voiced in
pieces, a dead worker replaced and its sentence failed as transient, espeak-ng's
processes bounded) is the provider library's. This adapter maps the job's voice settings
to its options, and an unknown voice or unspeakable text to a StageFailed.

`speaker` names who speaks ("piper:en_US-joe-medium", "espeak:de"): it is part of the
narration cache key, so a job in another voice never reuses this one's audio.
"""

from __future__ import annotations

from pathlib import Path

from videogen_contracts.media.events import VoiceSettings
from videogen_providers.tts.selection import select_synthesizer, select_voice_router
from videogen_providers.tts.synthesizer import NothingToSpeak, SpeechSynthesizer, VoiceOptions
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import InstalledVoice, UnknownVoice

from media_service.workers.ports import StageFailed


def _options(voice: VoiceSettings) -> VoiceOptions:
    return VoiceOptions(
        voice=voice.voice, rate=voice.rate, pitch=voice.pitch, pause_ms=voice.pause_ms
    )


class VoiceNarrator:
    """Speaks in the installed voice the job chose (Piper or espeak-ng)."""

    def __init__(self, router: VoiceRouter) -> None:
        self.router = router

    @property
    def name(self) -> str:
        return self.router.name

    async def start(self) -> None:
        """Start the default voice's Piper workers now: a broken voice stops the service
        before it takes work."""
        await self.router.start()

    def speaker(self, voice: VoiceSettings, language: str) -> str:
        return self._chosen(voice, language).key

    def _chosen(self, voice: VoiceSettings, language: str) -> InstalledVoice:
        try:
            return self.router.choose(voice.voice, language)
        except UnknownVoice as error:
            raise StageFailed(str(error)) from error

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        chosen = self._chosen(voice, language)
        try:
            await self.router.synthesize(chosen, text, out, _options(voice))
        except NothingToSpeak as error:
            raise StageFailed(str(error)) from error

    async def aclose(self) -> None:
        await self.router.aclose()


class SynthesizerNarrator:
    """One synthesizer for every job (a vendor's, which takes the voice name as it is)."""

    def __init__(self, synthesizer: SpeechSynthesizer) -> None:
        self.synthesizer = synthesizer

    @property
    def name(self) -> str:
        return self.synthesizer.name

    async def start(self) -> None:
        return None

    def speaker(self, voice: VoiceSettings, language: str) -> str:
        return self.synthesizer.name

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        try:
            await self.synthesizer.synthesize(text, out, _options(voice))
        except NothingToSpeak as error:
            raise StageFailed(str(error)) from error

    async def aclose(self) -> None:
        await self.synthesizer.aclose()


def narrator_from_env(tts_parallelism: int) -> VoiceNarrator | SynthesizerNarrator:
    """`VIDEOGEN_TTS` picks the voices (the installed ones by default, espeak-ng's only, or
    OpenAI's); Piper gets `tts_parallelism` worker processes per voice in use."""
    router = select_voice_router(piper_workers=tts_parallelism)
    if router is not None:
        return VoiceNarrator(router)
    return SynthesizerNarrator(select_synthesizer(piper_workers=tts_parallelism))

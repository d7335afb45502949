"""The job's Narrator on a videogen_providers SpeechSynthesizer (Piper by default).

Which synthesizer, and everything about running it (Piper's process pool with the voice
loaded once per worker, long sentences voiced in pieces, a dead worker replaced and its
sentence failed as transient), is the provider library's; this adapter maps the job's
voice settings to its options and unspeakable text to a StageFailed.
"""

from __future__ import annotations

from pathlib import Path

from videogen_contracts.media.events import VoiceSettings
from videogen_providers.tts.piper_synthesizer import PiperSynthesizer
from videogen_providers.tts.selection import select_synthesizer
from videogen_providers.tts.synthesizer import NothingToSpeak, SpeechSynthesizer, VoiceOptions

from media_service.workers.ports import StageFailed


class SynthesizerNarrator:
    def __init__(self, synthesizer: SpeechSynthesizer) -> None:
        self.synthesizer = synthesizer

    @property
    def name(self) -> str:
        return self.synthesizer.name

    async def start(self) -> None:
        """Start Piper's workers and load the voice in each now: a broken voice stops the
        service before it takes work."""
        if isinstance(self.synthesizer, PiperSynthesizer):
            await self.synthesizer.start()

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        options = VoiceOptions(
            voice=voice.voice, rate=voice.rate, pitch=voice.pitch, pause_ms=voice.pause_ms
        )
        try:
            await self.synthesizer.synthesize(text, out, options)
        except NothingToSpeak as error:
            raise StageFailed(str(error)) from error

    async def aclose(self) -> None:
        await self.synthesizer.aclose()


def narrator_from_env(tts_parallelism: int) -> SynthesizerNarrator:
    """`VIDEOGEN_TTS` picks the synthesizer (Piper, else espeak-ng; OpenAI when asked);
    Piper gets `tts_parallelism` worker processes."""
    return SynthesizerNarrator(select_synthesizer(piper_workers=tts_parallelism))

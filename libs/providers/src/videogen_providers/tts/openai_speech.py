"""OpenAI text-to-speech (`POST {base}/audio/speech`) as a SpeechSynthesizer.

Asks for `response_format=wav`. OpenAI streams that WAV, with unknown sizes in its
headers, so the bytes are parsed tolerantly and rewritten as a well-formed file before
anything measures or concatenates it. The API has no pitch control: a pitch other than 1.0
is ignored and logged. Works with any OpenAI-compatible server (`OPENAI_BASE_URL`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import structlog

from videogen_providers.tts.synthesizer import VoiceOptions, check_speakable
from videogen_providers.tts.wav import parse_wav, with_pause, write_wav_atomically
from videogen_providers.vendor_errors import (
    VendorNotConfigured,
    VendorUnavailable,
    raise_for_vendor_status,
)

OPENAI_API = "https://api.openai.com/v1"
VENDOR = "OpenAI TTS"
log = structlog.get_logger("videogen_providers.tts.openai")


class OpenAISpeechSynthesizer:
    name = "openai"

    def __init__(
        self, api_key: str, *, base_url: str = OPENAI_API, model: str = "gpt-4o-mini-tts",
        default_voice: str = "alloy", timeout: float = 60.0,
    ) -> None:
        if not api_key:
            raise VendorNotConfigured(VENDOR, "OPENAI_API_KEY is not set")
        self.model = model
        self.default_voice = default_voice
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    async def synthesize(self, text: str, out_wav: Path, options: VoiceOptions) -> float:
        check_speakable(text)
        if options.pitch != 1.0:
            log.info("tts.openai.pitch_ignored", pitch=options.pitch)
        body = {
            "model": self.model, "voice": options.voice or self.default_voice, "input": text,
            "response_format": "wav", "speed": options.rate,
        }
        try:
            response = await self.http.post("/audio/speech", json=body)
        except httpx.TransportError as exc:
            raise VendorUnavailable(VENDOR, f"request failed: {exc!r}") from exc
        raise_for_vendor_status(VENDOR, response)
        audio = with_pause(parse_wav(response.content), options.pause_ms)
        await asyncio.to_thread(write_wav_atomically, out_wav, audio)
        return audio.duration

    async def aclose(self) -> None:
        await self.http.aclose()

"""A voice named by an Aura client (a job's `voiceSpec.voiceName`, the settings'
`defaultVoice.voiceName`) must be one that is installed; the refusal names them."""

from __future__ import annotations

import asyncio

from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_providers.tts.voices import UnknownVoice, installed_voice


async def require_installed(name: str | None, field: str) -> None:
    if name is None:
        return
    try:
        # In a thread: the catalogue's first call lists espeak-ng's voices.
        await asyncio.to_thread(installed_voice, name)
    except UnknownVoice as error:
        raise SystemProblem(400, str(error), field, guidance="Name a voice that GET"
                            " /api/providers/tts/voices lists, or leave voiceName out.") from None

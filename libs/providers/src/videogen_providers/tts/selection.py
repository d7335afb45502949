"""Which SpeechSynthesizer a process uses, from its environment.

`VIDEOGEN_TTS`: "piper" (the default), "openai" or "espeak". Unset or "piper" means Piper
if its voice is installed, else espeak-ng if it is on PATH, else TtsUnavailable: with no
voice at all the service must refuse to start, not fail every job. A narrator that lets
each job pick its voice takes `select_voice_router` instead: every installed voice
("piper"), espeak-ng's only ("espeak"), or None for "openai", whose voices are its own.
"openai" needs
`OPENAI_API_KEY` (and takes `OPENAI_BASE_URL`, `VIDEOGEN_OPENAI_TTS_MODEL`,
`VIDEOGEN_OPENAI_TTS_VOICE`). `VIDEOGEN_TTS_WORKERS` sizes Piper's process pool, unless the
caller sizes it (`piper_workers`: a service that has its own setting for it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from videogen_providers.tts.espeak import EspeakSynthesizer, espeak_path
from videogen_providers.tts.openai_speech import OPENAI_API, OpenAISpeechSynthesizer
from videogen_providers.tts.synthesizer import NO_VOICE, SpeechSynthesizer, TtsUnavailable
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import installed_catalogue


def _piper_available() -> bool:
    try:
        from videogen_providers.tts.piper_model import default_voice_model

        return default_voice_model().is_file()
    except ImportError:
        return False


def _choice(env: Mapping[str, str]) -> str:
    choice = env.get("VIDEOGEN_TTS", "piper").strip().lower()
    if choice not in ("piper", "openai", "espeak"):
        raise ValueError(f"VIDEOGEN_TTS must be piper, openai or espeak, not {choice!r}")
    return choice


def _workers(env: Mapping[str, str], piper_workers: int | None) -> int:
    return int(env.get("VIDEOGEN_TTS_WORKERS", "0")) if piper_workers is None else piper_workers


def select_voice_router(
    environ: Mapping[str, str] | None = None, *, piper_workers: int | None = None
) -> VoiceRouter | None:
    env = os.environ if environ is None else environ
    choice = _choice(env)
    if choice == "openai":
        return None
    catalogue = installed_catalogue(piper=choice == "piper")
    return VoiceRouter(catalogue, workers=_workers(env, piper_workers), espeak=espeak_path())


def select_synthesizer(
    environ: Mapping[str, str] | None = None, *, piper_workers: int | None = None
) -> SpeechSynthesizer:
    env = os.environ if environ is None else environ
    choice = _choice(env)
    if choice == "openai":
        return OpenAISpeechSynthesizer(
            env.get("OPENAI_API_KEY", ""), base_url=env.get("OPENAI_BASE_URL") or OPENAI_API,
            model=env.get("VIDEOGEN_OPENAI_TTS_MODEL", "gpt-4o-mini-tts"),
            default_voice=env.get("VIDEOGEN_OPENAI_TTS_VOICE", "alloy"),
        )
    if choice == "espeak":
        return EspeakSynthesizer()
    if _piper_available():
        from videogen_providers.tts.piper_synthesizer import PiperSynthesizer

        return PiperSynthesizer(workers=_workers(env, piper_workers))
    if espeak_path() is not None:
        return EspeakSynthesizer()
    raise TtsUnavailable(NO_VOICE)

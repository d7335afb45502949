"""Which synthesizer the environment selects."""

from __future__ import annotations

import pytest
from videogen_providers.tts import selection
from videogen_providers.tts.espeak import EspeakSynthesizer, espeak_path
from videogen_providers.tts.openai_speech import OpenAISpeechSynthesizer
from videogen_providers.tts.piper_synthesizer import PiperSynthesizer
from videogen_providers.tts.selection import select_synthesizer, select_voice_router
from videogen_providers.tts.synthesizer import SpeechSynthesizer, TtsUnavailable, VoiceOptions
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import VoiceCatalogue
from videogen_providers.vendor_errors import VendorNotConfigured


async def test_piper_is_the_default() -> None:
    synth = select_synthesizer({})
    assert isinstance(synth, PiperSynthesizer)
    assert isinstance(synth, SpeechSynthesizer)
    await synth.aclose()


async def test_openai_when_configured() -> None:
    synth = select_synthesizer(
        {"VIDEOGEN_TTS": "openai", "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
    )
    assert isinstance(synth, OpenAISpeechSynthesizer)
    assert str(synth.http.base_url) == "http://127.0.0.1:9/v1/"
    await synth.aclose()


def test_openai_without_a_key_is_refused_clearly() -> None:
    with pytest.raises(VendorNotConfigured, match="OPENAI_API_KEY"):
        select_synthesizer({"VIDEOGEN_TTS": "openai"})


def test_an_unknown_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="VIDEOGEN_TTS"):
        select_synthesizer({"VIDEOGEN_TTS": "festival"})


def test_espeak_is_the_fallback_without_piper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selection, "_piper_available", lambda: False)
    monkeypatch.setattr(selection, "espeak_path", lambda: "/usr/bin/espeak-ng")
    assert isinstance(select_synthesizer({}), EspeakSynthesizer)


def test_no_voice_at_all_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selection, "_piper_available", lambda: False)
    monkeypatch.setattr(selection, "espeak_path", lambda: None)
    with pytest.raises(TtsUnavailable, match="espeak-ng"):
        select_synthesizer({})


@pytest.mark.parametrize(
    "kwargs", [{"rate": 0.1}, {"rate": 5.0}, {"pitch": 0.2}, {"pause_ms": -1}]
)
def test_voice_options_are_bounded(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each bound has its own message
        VoiceOptions(**kwargs)  # type: ignore[arg-type]


async def test_the_voice_router_offers_every_installed_voice_by_default() -> None:
    router = select_voice_router({}, piper_workers=0)
    assert router is not None
    assert router.catalogue.voices[0].name == "joe-us"
    assert router.choose(None, "en").key == "piper:en_US-joe-medium"
    await router.aclose()


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed")
def test_espeak_alone_routes_to_espeak_voices_only() -> None:
    router = select_voice_router({"VIDEOGEN_TTS": "espeak"})
    assert router is not None
    assert {v.engine for v in router.catalogue.voices} == {"espeak-ng"}


def test_openai_has_no_voice_router_and_no_voice_at_all_refuses() -> None:
    assert select_voice_router({"VIDEOGEN_TTS": "openai"}) is None
    with pytest.raises(ValueError, match="VIDEOGEN_TTS"):
        select_voice_router({"VIDEOGEN_TTS": "festival"})
    with pytest.raises(TtsUnavailable, match="espeak-ng"):
        VoiceRouter(VoiceCatalogue([]))

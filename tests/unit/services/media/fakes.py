"""Fakes for the preparation job's ports: real WAV files, no TTS, no ffmpeg."""

from __future__ import annotations

import asyncio
import shutil
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from media_service.workers.ports import CaptionFiles, StageFailed, TimedSentence
from videogen_contracts.media.events import (
    CaptionCue,
    ChosenVisual,
    FrameSettings,
    ProceduralSpec,
    SentenceText,
    VoiceSettings,
)

RATE = 16_000


def write_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"\0\0" * int(seconds * RATE))


@dataclass
class FakeNarrator:
    """0.1 s of silence per word; `fail_on` text raises StageFailed; `gate` pauses speaking."""

    fail_on: str | None = None
    spoken: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None
    name: str = "fake:voice"

    def speaker(self, voice: VoiceSettings, language: str) -> str:
        return self.name

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if text == self.fail_on:
            raise StageFailed(f"cannot speak {text!r}")
        self.spoken.append(text)
        write_wav(out, 0.1 * len(text.split()) + voice.pause_ms / 1000)


class WaveProbe:
    async def duration_s(self, path: Path) -> float:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / wav.getframerate()


@dataclass
class DirBlobs:
    root: Path

    def path_of(self, key: str) -> Path:
        return self.root / key

    async def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    async def put_file(self, key: str, source: Path) -> None:
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    async def put_bytes(self, key: str, data: bytes) -> None:
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    async def delete_prefix(self, prefix: str) -> int:
        gone = 0
        for path in list(self.root.rglob("*")):
            if path.is_file() and str(path.relative_to(self.root)).startswith(prefix):
                path.unlink()
                gone += 1
        return gone


class FakeCaptioner:
    def build(
        self, sentences: Sequence[TimedSentence], frame: FrameSettings, language: str
    ) -> CaptionFiles:
        cues = [
            CaptionCue(sentence_id=s.sentence_id, start_s=s.start_s, end_s=s.end_s, text=s.text)
            for s in sentences
        ]
        srt = "\n".join(f"{i + 1}\n{c.text}\n" for i, c in enumerate(cues))
        return CaptionFiles(ass="[Script Info]\n", srt=srt, cues=cues)


class FakeVisuals:
    async def choose(
        self, project_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        spec = ProceduralSpec(style="gradient", palette=["#102030", "#405060"], seed=7)
        return [
            ChosenVisual(
                sentence_id=s.sentence_id, keywords=s.text.lower().split()[:2],
                kind="procedural", spec=spec,
            )
            for s in sentences
        ]

"""Benchmark of the soundtrack alone: 60 s of Piper narration, with and without a music bed.

Workload: the committed 12-sentence paragraph (text2video_paragraph.txt), spoken by the
real Piper voice (synthesis excluded), laid end to end with `pause_after` pauses and cut
at 60 s. Prints, each against the reference measured in the same run (bench_text2video's
reference encode, its audio half: 60 s of 48 kHz stereo AAC at 192 kb/s from anullsrc):
- the whole `render_soundtrack` (wall, and CPU of this process plus its ffmpeg children),
  for speech only, speech + the procedural bed, speech + the packaged track;
- its stages: decode (ffmpeg), the numpy mix (normalise), encode + measure (two ffmpeg
  processes at once), so a regression shows where it is.

Run: .venv/bin/python tests/bench/bench_soundtrack.py
"""

from __future__ import annotations

import asyncio
import re
import resource
import subprocess
import tempfile
import time
import wave
from pathlib import Path

from videogen_media import soundtrack
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.loudness import RATE, normalise
from videogen_media.music import MusicBed
from videogen_media.soundtrack import Narration, pause_after, render_soundtrack

PARAGRAPH = Path(__file__).with_name("text2video_paragraph.txt")


def cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reference(seconds: float, workdir: Path) -> tuple[float, float]:
    argv = [ffmpeg_executable(), "-y", "-v", "error", "-f", "lavfi", "-i",
            f"anullsrc=r=48000:cl=stereo:d={seconds:.3f}", "-c:a", "aac", "-b:a", "192k",
            "-ar", "48000", str(workdir / "reference.m4a")]  # fmt: skip
    wall, used = time.perf_counter(), cpu()
    subprocess.run(argv, check=True)
    return time.perf_counter() - wall, cpu() - used


def narrate(workdir: Path) -> list[Narration]:
    from videogen_providers.tts.piper_model import default_voice_model
    from videogen_providers.tts.piper_voice import load_voice, synthesize_to_wav

    voice = load_voice(default_voice_model())
    sentences = re.split(r"(?<=[.!?])\s+", PARAGRAPH.read_text().strip())
    narrations: list[Narration] = []
    at = 0.0
    while at < 60.0:
        index = len(narrations)
        text = sentences[index % len(sentences)]
        wav = workdir / f"s{index}.wav"
        synthesize_to_wav(voice, text, rate=1.0, pause_ms=150, out=wav)
        with wave.open(str(wav), "rb") as w:
            seconds = w.getnframes() / w.getframerate()
        length = seconds + pause_after(text, section_end=index % 4 == 3)
        narrations.append(Narration(wav, at, length))
        at += length
    return narrations


async def stages(narrations: list[Narration], workdir: Path) -> dict[str, float]:
    exe, total = ffmpeg_executable(), 60 * RATE
    marks = [time.perf_counter()]
    speech, lufs = await soundtrack._speech(exe, narrations, total)
    marks.append(time.perf_counter())
    voiced, _ = normalise(speech, -14.0, ceiling_db=soundtrack.SPEECH_CEILING, measured_lufs=lufs)
    marks.append(time.perf_counter())
    await soundtrack._encode_measured(exe, voiced, workdir / "stages.m4a", 192)
    marks.append(time.perf_counter())
    names = ("decode", "mix (numpy)", "encode + measure")
    return {name: b - a for name, a, b in zip(names, marks, marks[1:], strict=False)}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        narrations = narrate(workdir)
        print(f"{len(narrations)} narrations, 60 s timeline")
        # Warm: the first call synthesises the procedural loop and plans the FFTs.
        await render_soundtrack(
            narrations, 60.0, workdir / "warm.m4a", music=MusicBed("procedural")
        )
        ref_wall, ref_cpu = min(reference(60.0, workdir) for _ in range(3))
        print(f"reference audio encode: {ref_wall:.3f} s wall, {ref_cpu:.3f} s CPU")
        for label, bed in (("speech", None), ("speech + procedural bed", MusicBed("procedural")),
                           ("speech + packaged track", MusicBed("package"))):  # fmt: skip
            best = (float("inf"), 0.0)
            for _ in range(3):
                wall, used = time.perf_counter(), cpu()
                report = await render_soundtrack(narrations, 60.0, workdir / "s.m4a", music=bed)
                best = min(best, (time.perf_counter() - wall, cpu() - used))
            print(f"{label}: {best[0]:.3f} s wall ({best[0] / ref_wall:.2f}x), {best[1]:.3f} s CPU"
                  f" ({best[1] / ref_cpu:.2f}x); {report.measured}")  # fmt: skip
        print("stages:", {k: round(v, 3) for k, v in (await stages(narrations, workdir)).items()})


if __name__ == "__main__":
    asyncio.run(main())

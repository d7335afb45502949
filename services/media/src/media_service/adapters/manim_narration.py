"""A Manim scene's voice-over: its narration spoken by our TTS, timed per sentence, and
muxed into the scene's video.

The narration is spoken a sentence at a time, so each sentence's window is measured from
its own audio and the SRT cues (videogen_media.captions, through the job's Captioner) fall
inside what is being said. Each sentence's WAV is stored by content under the session's
prefix (`narration_digest`: text, voice, speaker), so a redelivered job, a fix of the same
scene or a re-render with other code finds the audio already spoken.

The mux is one ffmpeg pass: the sentences concatenated, the video held on its last frame
(`tpad=stop_mode=clone`) until the audio ends, the audio padded with silence when the
video is the longer one, both cut at the scene's length; H.264 + AAC with `+faststart`.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videogen_contracts.media.events import FrameSettings, VoiceSettings
from videogen_contracts.script.manim import manim_blob_prefix
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_text.segmentation import is_speakable, split_paragraphs, split_sentences

from media_service.workers.narration_cache import KeyedLocks, narration_digest
from media_service.workers.ports import (
    AudioProbe,
    Blobs,
    Captioner,
    Narrator,
    StageFailed,
    TimedSentence,
)

LANGUAGE = "en"
# A breath between sentences; inside each sentence's audio, so the measured windows (and
# the cues) include it.
PAUSE_MS = 250
_SENTENCE_IDS = uuid.UUID("6f1d2b8e-0c57-4a53-9a55-1c2f0b7d4e21")


@dataclass(frozen=True, slots=True)
class SceneNarration:
    """The sentences' WAVs in order (blob paths), their total length, and the SRT."""

    wavs: list[Path]
    duration_s: float
    srt: str


def narration_blob_key(session_id: str, digest: str) -> str:
    return f"{manim_blob_prefix(session_id)}narration/{digest}.wav"


def sentences_of(text: str) -> list[str]:
    """The sentences to speak; none when nothing in the text is speakable (the scene is
    then silent: the writer's narration is no fault of the scene's code, and a failed
    render would send the code back to be fixed for nothing)."""
    sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, LANGUAGE)]
    return [s for s in sentences if is_speakable(s)]


class ManimNarration:
    def __init__(
        self, narrator: Narrator, probe: AudioProbe, captioner: Captioner, blobs: Blobs
    ) -> None:
        self.narrator = narrator
        self.probe = probe
        self.captioner = captioner
        self.blobs = blobs
        # One synthesis per sentence key at a time in this process (see KeyedLocks).
        self._locks = KeyedLocks()

    async def narrate(
        self, session_id: str, text: str, voice_name: str | None, *, width: int, height: int
    ) -> SceneNarration | None:
        """None when there is nothing to speak; raises StageFailed for an unknown voice."""
        sentences = sentences_of(text)
        if not sentences:
            return None
        voice = VoiceSettings(voice=voice_name, pause_ms=PAUSE_MS)
        speaker = self.narrator.speaker(voice, LANGUAGE)
        if speaker is None:
            raise StageFailed(f"no installed voice speaks {LANGUAGE!r}")
        wavs: list[Path] = []
        timed: list[TimedSentence] = []
        start = 0.0
        for index, sentence in enumerate(sentences):
            key = narration_blob_key(
                session_id, narration_digest(sentence, voice, LANGUAGE, speaker)
            )
            await self._spoken(key, sentence, voice)
            wav = self.blobs.path_of(key)
            duration = await self.probe.duration_s(wav)
            sentence_id = uuid.uuid5(_SENTENCE_IDS, f"{session_id}:{index}")
            timed.append(TimedSentence(sentence_id, sentence, start, start + duration))
            wavs.append(wav)
            start += duration
        frame = FrameSettings(width=width, height=height)
        files = await asyncio.to_thread(self.captioner.build, timed, frame, LANGUAGE)
        return SceneNarration(wavs=wavs, duration_s=start, srt=files.srt)

    async def _spoken(self, key: str, sentence: str, voice: VoiceSettings) -> None:
        async with self._locks.hold(key):
            # A blob under the key is whole (puts are atomic): spoken before, reuse it.
            if await self.blobs.exists(key):
                return
            with tempfile.TemporaryDirectory(prefix="vg-manim-voice-") as tmp:
                out = Path(tmp) / "sentence.wav"
                await self.narrator.narrate(sentence, voice, LANGUAGE, out)
                await self.blobs.put_file(key, out)


def scene_mux_argv(
    video: Path, wavs: Sequence[Path], target: Path, *, video_s: float, duration_s: float
) -> list[str]:
    """`video` with the sentences over it, `duration_s` long (an mp4 with faststart).

    `duration_s` is the scene's length: at least the video's and the audio's, at most the
    scene's limit (the caller decides). A silent scene no longer than its video is copied
    as it is, only moving its index to the front; a longer one holds its last frame.
    """
    head = [ffmpeg_executable(), "-hide_banner", "-v", "error", "-y", "-i", str(video)]
    tail = ["-movflags", "+faststart", "-f", "mp4", str(target)]
    hold = max(0.0, duration_s - video_s)
    if not wavs and hold < 0.001:
        return [*head, "-map", "0:v:0", "-c", "copy", "-t", f"{duration_s:.6f}", *tail]
    held = f"[0:v:0]tpad=stop_mode=clone:stop_duration={hold + 0.1:.6f},setpts=PTS-STARTPTS[v]"
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]
    if not wavs:
        return [*head, "-filter_complex", held, "-map", "[v]", "-t", f"{duration_s:.6f}",
                *x264, *tail]  # fmt: skip
    inputs = [arg for wav in wavs for arg in ("-i", str(wav))]
    joined = "".join(f"[{n}:a:0]" for n in range(1, len(wavs) + 1))
    graph = f"{held};{joined}concat=n={len(wavs)}:v=0:a=1,aresample=44100,apad[a]"
    return [
        *head, *inputs, "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-t", f"{duration_s:.6f}", *x264,
        "-c:a", "aac", "-b:a", "128k", "-ac", "2", *tail,
    ]

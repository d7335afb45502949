"""The finished soundtrack: narrations laid on the timeline, loudness-normalised, music ducked.

Three ffmpeg runs, two of them at once on the two cores:
1. decode: every narration resampled to 48 kHz and cut or padded to its scene, in one
   process that also measures their loudness (ebur128), while the music file, if there is
   one, is decoded and measured by another (or the procedural bed is synthesised in a thread);
2. the mix in numpy: placement, short fades at every clip's edges, one gain to the target,
   a true-peak limiter (`loudness.normalise`), the bed at its level, faded in and out;
3. encode and measure at once: ffmpeg ducks the bed under the speech (`sidechaincompress`
   keyed by the narration), encodes AAC and writes the .m4a and, through a tee, the same
   AAC packets to a second ffmpeg running `ebur128=peak=true` on them: the report's figures
   are those of the written AAC, measured without a second pass over the file.
"""

from __future__ import annotations

import asyncio
import math
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from videogen_media.audio_pipe import pipe_ffmpeg, pipe_ffmpeg_pair
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.loudness import (
    RATE,
    SILENT_LUFS,
    Loudness,
    Samples,
    normalise,
    parse_ebur128_summary,
)
from videogen_media.music import (
    MusicBed,
    fade_edges,
    find_packaged_music,
    mood_name,
    packaged_music_package,
    procedural_loudness,
    procedural_samples,
)

__all__ = ["Loudness", "MusicBed", "Narration", "SoundReport", "pause_after", "render_soundtrack"]

TRUE_PEAK_LIMIT = -1.0  # dBTP the written AAC must not exceed
SPEECH_CEILING = -2.0  # the limiter's ceiling: 1 dB of room for the encoder's overshoot
# LU: the bed's level in the gaps, under the speech's target. 14 LU down it is clearly
# heard between sentences, and its 400 ms blocks mostly fall under BS.1770's relative gate
# (10 LU under the mean), so the mix measures as its speech does.
BED_BELOW_SPEECH = 14.0
RETRY_OFF_LU = 0.5  # a mix measured further than this from the target is made once more
# A narration's edges: a 5 ms rise where it starts, 15 ms to silence where it ends or is
# cut, so no join steps from one clip (or silence) to the next.
FADE_IN_S, FADE_OUT_S = 0.005, 0.015
BED_FADE_IN_S, BED_FADE_OUT_S = 2.0, 3.0
# Ducking: speech at -14 LUFS runs near -17 dBFS RMS, 17 dB over this threshold, so ratio 10
# takes ~15 dB off the bed under speech; the 450 ms release holds the duck across the gaps
# between words and lets the bed back in during the pauses between sentences.
_DUCK = "sidechaincompress=threshold=0.02:ratio=10:attack=15:release=450:knee=4:detection=rms"
# The fast coder without mid/side search: 3x quicker than the default at 192 kb/s, where
# bits are plentiful (the default's M/S search is most of its time).
_AAC = ("-c:a", "aac", "-aac_coder", "fast", "-aac_ms", "0")
_LOG = ("-hide_banner", "-nostdin", "-nostats")
_AAC_PRIMING = 1024  # samples ffmpeg's AAC encoder puts before the first real one


@dataclass(frozen=True, slots=True)
class Narration:
    path: Path
    start: float  # s on the timeline
    length: float  # s: the clip is cut or padded to its scene's length


@dataclass(frozen=True, slots=True)
class SoundReport:
    target_lufs: float
    measured: Loudness
    music: str | None  # "procedural (synthesised chords, calm)", "package: <name>", "upload"


def pause_after(text: str, *, section_end: bool) -> float:
    """The silence the timeline leaves after a sentence, in seconds.

    A breath after a statement (0.25 s), a little more after a question or an exclamation
    (the listener reacts), more after a trailing ellipsis, less after a clause (, ; :), and
    a paragraph's pause at the end of a section. Closing quotes and brackets are looked
    through; CJK punctuation counts like its Latin twin.
    """
    stripped = text.rstrip().rstrip("\"'\u201d\u2019\u00bb)]\uff09\u300d\u300f")
    if not stripped:
        return 0.6 if section_end else 0.0
    if stripped.endswith(("...", "\u2026")):
        pause = 0.5
    elif stripped[-1] in "?!\uff1f\uff01":
        pause = 0.4
    elif stripped[-1] in ",;:\u3001\uff0c\uff1b\uff1a":
        pause = 0.15
    else:
        pause = 0.25
    return pause + 0.35 if section_end else pause


def _check(narrations: Sequence[Narration], total_s: float, target: float, bitrate_k: int) -> None:
    if not math.isfinite(total_s) or total_s <= 0:
        raise ValueError(f"a soundtrack needs a positive length, not {total_s!r}")
    if not -40.0 <= target <= -5.0:
        raise ValueError(f"loudness target {target} LUFS is outside -40..-5")
    if not 32 <= bitrate_k <= 512:
        raise ValueError(f"AAC bitrate {bitrate_k} kb/s is outside 32..512")
    for n in narrations:
        if not (math.isfinite(n.start) and math.isfinite(n.length)) or n.start < 0 or n.length <= 0:
            raise ValueError(
                f"narration {n.path.name}: start {n.start} must be >= 0 and length {n.length} > 0"
            )
        if not n.path.is_file():
            raise FileNotFoundError(f"narration {n.path} does not exist")


async def _decode(
    exe: str, sources: Sequence[tuple[Path, int]], channels: int, *, loop: bool = False
) -> tuple[Samples, float]:
    """Every source at 48 kHz float, cut or padded to its sample count, concatenated; and
    ebur128's integrated loudness of it all (mono as dual mono: it plays on both sides)."""
    argv = [exe, *_LOG, "-v", "info"]  # info: ebur128's summary
    chains = []
    layout = "mono" if channels == 1 else "stereo"
    for index, (path, count) in enumerate(sources):
        argv += [*(("-stream_loop", "-1") if loop else ()), "-i", str(path)]
        chains.append(
            f"[{index}:a:0]aresample={RATE},aformat=sample_fmts=flt:channel_layouts={layout},"
            f"atrim=end_sample={count},apad=whole_len={count}[a{index}]"
        )
    pads = "".join(f"[a{i}]" for i in range(len(sources)))
    joined = f"{pads}concat=n={len(sources)}:v=0:a=1" if len(sources) > 1 else "[a0]anull"
    # Silence between clips is gated out of BS.1770's integral: measuring the clips end to
    # end gives the loudness of the laid-out track.
    chains.append(f"{joined},asplit=2[out][m];[m]ebur128=framelog=verbose:dualmono=1,anullsink")
    argv += ["-filter_complex", ";".join(chains), "-map", "[out]", "-f", "f32le", "pipe:1"]
    raw, stderr = await pipe_ffmpeg(argv)
    samples = np.frombuffer(raw, dtype="<f4").reshape(-1, channels)
    expected = sum(count for _, count in sources)
    if len(samples) != expected:
        raise RuntimeError(f"decoded {len(samples)} samples where {expected} were laid out")
    lufs = parse_ebur128_summary(stderr).integrated_lufs
    return (samples.copy() if channels > 1 else samples[:, 0].copy()), lufs


async def _speech(exe: str, narrations: Sequence[Narration], total: int) -> tuple[Samples, float]:
    """The narrations on one mono track of `total` samples, each faded at its edges."""
    track = np.zeros(total, dtype=np.float32)
    placed = [(n, round(n.start * RATE)) for n in narrations]
    laid = [(n, at, min(round(n.length * RATE), total - at)) for n, at in placed if at < total]
    laid = [(n, at, count) for n, at, count in laid if count > 0]
    if not laid:
        return track, SILENT_LUFS
    clips, lufs = await _decode(exe, [(n.path, count) for n, _, count in laid], 1)
    offset = 0
    for _, at, count in laid:
        clip = fade_edges(clips[offset : offset + count], FADE_IN_S, FADE_OUT_S)
        track[at : at + count] += clip  # added, not assigned: an overlap never hard-cuts
        offset += count
    return track, lufs


async def _bed(
    exe: str, music: MusicBed | None, total: int, target: float
) -> tuple[Samples | None, str | None]:
    """The music bed at its level under the speech, faded in and out, and what it is."""
    if music is None:
        return None, None
    mood = mood_name(music.mood)
    path, label = music.path, "upload"
    if music.source == "upload" and path is None:
        raise ValueError("an uploaded music bed needs its file")
    if music.source == "package":
        path = path or find_packaged_music(music.mood)
        label = f"package: {_distribution(path)} ({path.name})" if path else ""
    if music.source == "procedural" or path is None:
        # "package" with no music package installed: the procedural bed, and the report says so.
        note = "" if music.source == "procedural" else "; no music package installed"
        # In a thread: the first bed of a mood in a process is synthesised (0.1-0.3 s),
        # while the narrations decode in their ffmpeg.
        bed, loudness = await asyncio.to_thread(_procedural, mood, total)
        label = f"procedural (synthesised chords, {mood}{note})"
    else:
        if not path.is_file():
            raise FileNotFoundError(f"music file {path} does not exist")
        try:
            bed, loudness = await _decode(exe, [(path, total)], 2, loop=True)
        except FfmpegFailed as failed:
            raise ValueError(
                f"the music file {path.name} has no audio ffmpeg can decode"
            ) from failed
    if math.isfinite(loudness) and loudness > SILENT_LUFS:
        bed *= np.float32(10 ** ((target - BED_BELOW_SPEECH - loudness) / 20))
    return fade_edges(bed, BED_FADE_IN_S, BED_FADE_OUT_S), label


def _procedural(mood: str, total: int) -> tuple[Samples, float]:
    return procedural_samples(mood, total / RATE), procedural_loudness(mood)


def _distribution(track: Path) -> str:
    found = packaged_music_package()
    return found[0] if found and found[1] in track.parents else track.parent.name


def _graph(channels: int) -> str:
    if channels == 1:
        return "[0:a]pan=stereo|c0=c0|c1=c0[out]"
    return (
        "[0:a]asplit=2[a][b];[a]pan=stereo|c0=c0|c1=c0,asplit=2[speech][key];"
        f"[b]pan=stereo|c0=c1|c1=c2[bed];[bed][key]{_DUCK}[ducked];"
        "[speech][ducked]amix=inputs=2:normalize=0:duration=first[out]"
    )


async def _encode_measured(exe: str, pcm: Samples, output: Path, bitrate_k: int) -> Loudness:
    """Encode `pcm` (speech, or speech + bed L/R) to `output`; the AAC's loudness."""
    channels = pcm.shape[1] if pcm.ndim > 1 else 1
    # Written whole under a temporary name, then renamed: a retried job never finds half a
    # soundtrack in place, and two renders into one folder never share a name. The name is
    # relative (ffmpeg runs in the output's folder) and plain, so the tee muxer's option
    # syntax never meets a ':' or '|' of a path.
    partial = f".soundtrack-{uuid.uuid4().hex}.part"
    encode = [exe, *_LOG, "-v", "error", "-y",
              "-f", "f32le", "-ar", str(RATE), "-ac", str(channels), "-i", "pipe:0",
              "-filter_complex", _graph(channels), "-map", "[out]",
              *_AAC, "-b:a", f"{bitrate_k}k", "-ar", str(RATE), "-ac", "2",
              "-f", "tee", f"[f=mp4]{partial}|[f=adts]pipe:1"]  # fmt: skip
    # The ADTS copy starts with the encoder's 1024 priming samples and ends padded to a
    # whole frame; the .m4a's edit list hides both, and so does this trim: the measured
    # samples are the ones the file plays, block for block.
    trim = f"atrim=start_sample={_AAC_PRIMING}:end_sample={_AAC_PRIMING + len(pcm)}"
    scan = f"{trim},ebur128=peak=true:framelog=verbose"
    measure = [exe, *_LOG, "-v", "info", "-f", "aac", "-i", "pipe:0",
               "-filter:a", scan, "-f", "null", "-"]  # fmt: skip
    folder = output.parent
    try:
        _, stderr = await pipe_ffmpeg_pair(
            encode, np.ascontiguousarray(pcm, dtype="<f4").tobytes(), measure, cwd=folder
        )
    except BaseException:
        (folder / partial).unlink(missing_ok=True)
        raise
    os.replace(folder / partial, output)
    return parse_ebur128_summary(stderr)


async def render_soundtrack(
    narrations: Sequence[Narration],
    total_s: float,
    output: Path,
    *,
    target_lufs: float = -14.0,
    music: MusicBed | None = None,
    bitrate_k: int = 192,
    ffmpeg_exe: str | None = None,
) -> SoundReport:
    """Write `output` (AAC in .m4a, 48 kHz stereo, exactly `total_s` long) and measure it."""
    _check(narrations, total_s, target_lufs, bitrate_k)
    exe = ffmpeg_exe or ffmpeg_executable()
    total = round(total_s * RATE)
    # return_exceptions: cancelled, gather then waits for both halves to finish (the
    # decode kills and reaps its ffmpeg) before this returns; without it, it would return
    # as soon as the thread's half was cancelled, the decode's ffmpeg still being killed.
    spoken, laid = await asyncio.gather(
        _speech(exe, narrations, total),
        _bed(exe, music, total, target_lufs),
        return_exceptions=True,
    )
    for failed in (spoken, laid):
        if isinstance(failed, BaseException):
            raise failed
    assert not isinstance(spoken, BaseException)
    assert not isinstance(laid, BaseException)
    (speech, speech_lufs), (bed, label) = spoken, laid
    speech_target, ceiling = target_lufs, SPEECH_CEILING
    for attempt in range(2):
        voiced, _ = normalise(speech, speech_target, ceiling_db=ceiling, measured_lufs=speech_lufs)
        lift = np.float32(10 ** ((speech_target - target_lufs) / 20))
        pcm = voiced if bed is None else np.column_stack((voiced, bed * lift))
        measured = await _encode_measured(exe, pcm, output, bitrate_k)
        off = target_lufs - measured.integrated_lufs
        peak_over = measured.true_peak_dbtp - TRUE_PEAK_LIMIT
        if attempt or not math.isfinite(speech_lufs) or speech_lufs <= SILENT_LUFS:
            break
        if abs(off) <= RETRY_OFF_LU and peak_over <= 0:
            break
        # Once more, from the measurement of what was written: the bed's share of the
        # gated blocks (long gaps) or the encoder's overshoot over the limiter's headroom
        # (dense peaks) is then known exactly. Both parts move together, the bed keeps its
        # place under the speech, and the limiter keeps the peaks under the (lowered) ceiling.
        speech_target += max(-6.0, min(6.0, off))
        ceiling -= max(0.0, peak_over + 0.3)
    return SoundReport(target_lufs, measured, label)

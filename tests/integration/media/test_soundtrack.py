"""The soundtrack with real Piper narration and real ffmpeg, measured on the written AAC.

Every figure is read back from the .m4a as written: ffmpeg decodes it (honouring the edit
list, as players do) to float samples, and `ebur128=peak=true` measures its loudness.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import time
import wave
from pathlib import Path

import av
import numpy as np
import psutil  # type: ignore[import-untyped]
import pytest
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.loudness import RATE, Loudness, integrated_lufs, measure_loudness
from videogen_media.music import (
    MOODS,
    MusicBed,
    find_packaged_music,
    procedural_bed,
    procedural_loudness,
    procedural_samples,
)
from videogen_media.soundtrack import Narration, pause_after, render_soundtrack

Spoken = list[tuple[str, Path, float]]


def decode(path: Path) -> np.ndarray:
    """The file's audio as (n, 2) float32 at 48 kHz, as ffmpeg (and a player) plays it."""
    raw = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2",
         "-ar", str(RATE), "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype="<f4").reshape(-1, 2)


def wav_samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768


def db(x: float) -> float:
    return float(20 * np.log10(max(x, 1e-12)))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def laid_out(spoken: Spoken, gap: float) -> tuple[list[Narration], float]:
    """The sentences one after another, each its own length plus `gap` of pause."""
    narrations, at = [], 0.0
    for _, wav, seconds in spoken:
        narrations.append(Narration(wav, at, seconds + gap))
        at += seconds + gap
    return narrations, at


def assert_meets(measured: Loudness, target: float) -> None:
    assert abs(measured.integrated_lufs - target) <= 1.0
    assert measured.true_peak_dbtp <= -1.0


def make_tone(path: Path, hz: int, seconds: float) -> Path:
    argv = [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i",
            f"sine=f={hz}:r=44100:d={seconds}", "-ac", "2", str(path)]  # fmt: skip
    subprocess.run(argv, check=True, timeout=30)
    return path


def onset(x: np.ndarray, threshold: float = 0.02) -> int:
    """The first sample louder than `threshold` (in a 2 ms RMS window)."""
    window = np.convolve(np.square(x, dtype=np.float64), np.ones(96) / 96, mode="same")
    return int(np.flatnonzero(window > threshold**2)[0])


@pytest.mark.parametrize("target", [-14.0, -16.0])
async def test_the_written_aac_meets_the_loudness_target(
    narration: Spoken, tmp_path: Path, target: float
) -> None:
    narrations, total = laid_out(narration, 0.4)
    out = tmp_path / "sound.m4a"
    report = await render_soundtrack(narrations, total, out, target_lufs=target)
    again = await measure_loudness(out)
    print(f"target {target}: {report.measured}")
    assert abs(again.integrated_lufs - target) <= 1.0
    assert again.true_peak_dbtp <= -1.0
    # The report's figures are the written file's (measured through the encoder's tee).
    assert report.measured == again
    assert report.target_lufs == target
    assert report.music is None
    with av.open(str(out)) as container:
        stream = container.streams.audio[0]
        assert (stream.codec_context.name, stream.rate, stream.channels) == ("aac", 48000, 2)
    # Exactly total_s long, to the sample.
    assert len(decode(out)) == round(total * RATE)


async def test_quiet_narration_is_brought_up_and_loud_brought_down(
    narration: Spoken, tmp_path: Path
) -> None:
    """The same words 20 dB quieter come out at the same loudness: the gain is measured."""
    _, wav, seconds = narration[0]
    quiet = tmp_path / "quiet.wav"
    with wave.open(str(wav), "rb") as w, wave.open(str(quiet), "wb") as q:
        q.setparams(w.getparams())
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 10
        q.writeframes(samples.astype("<i2").tobytes())
    loud, soft = tmp_path / "loud.m4a", tmp_path / "soft.m4a"
    await render_soundtrack([Narration(wav, 0.0, seconds)], seconds, loud)
    await render_soundtrack([Narration(quiet, 0.0, seconds)], seconds, soft)
    a, b = await measure_loudness(loud), await measure_loudness(soft)
    assert abs(a.integrated_lufs - b.integrated_lufs) <= 0.5
    assert abs(b.integrated_lufs + 14.0) <= 1.0


async def test_narrations_start_where_the_timeline_says(narration: Spoken, tmp_path: Path) -> None:
    starts = [0.5, 6.25, 11.0]
    narrations = [
        Narration(wav, at, seconds) for at, (_, wav, seconds) in zip(starts, narration, strict=True)
    ]
    total = starts[-1] + narration[-1][2] + 1.0
    out = tmp_path / "placed.m4a"
    await render_soundtrack(narrations, total, out)
    mono = decode(out).mean(axis=1)
    for at, (_, wav, _) in zip(starts, narration, strict=True):
        source = wav_samples(wav)
        expected = at + onset(source / np.abs(source).max()) / 22050
        window = mono[round(at * RATE) - 4800 : round((at + 1.0) * RATE)]
        found = at - 0.1 + onset(window / np.abs(window).max()) / RATE
        assert abs(found - expected) < 0.02, (at, found, expected)
    # Before the first and between the clips: silence (no music asked for).
    assert db(rms(mono[: round(0.4 * RATE)])) < -70
    gap = narration[0][2] + 0.5, 6.25
    assert db(rms(mono[round((gap[0] + 0.1) * RATE) : round((gap[1] - 0.1) * RATE)])) < -70


async def test_clips_cut_mid_word_join_without_a_click(narration: Spoken, tmp_path: Path) -> None:
    """Each clip cut at its loudest sample and the next laid right after it: hard cuts of
    speech. Butted together naively the joins step by much; with the edge fades they do not."""
    sources = [wav_samples(wav) for _, wav, _ in narration]
    # The loudest sample past the first 0.8 s of each (Piper's voice varies run to run).
    cuts = [
        (round(0.8 * 22050) + int(np.argmax(np.abs(x[round(0.8 * 22050) :])))) / 22050
        for x in sources
    ]
    starts = np.concatenate(([0.0], np.cumsum(cuts)[:-1]))
    narrations = [
        Narration(wav, float(at), cut)
        for (_, wav, _), at, cut in zip(narration, starts, cuts, strict=True)
    ]
    out = tmp_path / "joins.m4a"
    await render_soundtrack(narrations, float(sum(cuts)), out)
    mono = decode(out)[:, 0]
    joins = [round(n.start * RATE) for n in narrations[1:]]
    # The naive join, for scale: the same cuts butted together (at the output's level).
    scale = np.abs(mono).max() / max(np.abs(x).max() for x in sources)
    naive_steps = [
        abs(x[round(cut * 22050) - 1]) * scale for x, cut in zip(sources, cuts[:-1], strict=False)
    ]
    steps = [float(np.abs(np.diff(mono[j - 48 : j + 48])).max()) for j in joins]
    print(f"join steps {steps}, naive {naive_steps}")
    assert min(naive_steps) > 0.1  # the test's joins really are hard cuts
    assert max(steps) < 0.01


def band_level(x: np.ndarray, start: float, end: float, low: float, high: float) -> float:
    """dB of the energy between `low` and `high` Hz in [start, end) s of a mono signal."""
    piece = x[round(start * RATE) : round(end * RATE)]
    spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece)))) ** 2
    freqs = np.fft.rfftfreq(len(piece), 1 / RATE)
    return float(
        10 * np.log10(spectrum[(freqs >= low) & (freqs < high)].sum() / len(piece) + 1e-20)
    )


async def test_music_is_ducked_under_speech_and_faded(narration: Spoken, tmp_path: Path) -> None:
    """The upload is a 13 kHz tone: Piper's 22 kHz voice has nothing above 11 kHz, so the
    band around 13 kHz in the written file is the music alone, under speech and in gaps."""
    tone = make_tone(tmp_path / "tone.wav", 13_000, 7.0)
    narrations, at = [], 3.0
    for _, wav, seconds in narration:
        narrations.append(Narration(wav, at, seconds))
        at += seconds + 2.5
    total = at + 1.0
    out = tmp_path / "ducked.m4a"
    report = await render_soundtrack(narrations, total, out, music=MusicBed("upload", tone))
    print(f"with the uploaded bed: {report.measured}")
    assert report.music == "upload"
    assert report.measured == await measure_loudness(out)
    assert_meets(report.measured, -14.0)
    mono = decode(out).mean(axis=1)
    assert len(mono) == round(total * RATE)  # the 7 s tone looped to the whole timeline

    def music(start: float, end: float) -> float:
        return band_level(mono, start, end, 12_500, 13_500)

    under = [music(n.start + 0.8, n.start + n.length - 0.8) for n in narrations]
    gaps = [music(n.start + n.length + 1.2, n.start + n.length + 2.3) for n in narrations[:-1]]
    print(f"music under speech {under} dB, in gaps {gaps} dB")
    assert max(under) <= min(gaps) - 6.0
    # Faded in from silence, and out to silence at the very end.
    assert music(0.0, 0.2) <= music(2.0, 2.9) - 20
    assert music(total - 0.2, total) <= music(narrations[-1].start + narrations[-1].length + 0.5,
                                              total - 2.0) - 15  # fmt: skip


async def test_the_procedural_bed_plays_in_the_gaps(narration: Spoken, tmp_path: Path) -> None:
    narrations, total = laid_out(narration, 2.0)
    with_bed, without = tmp_path / "bed.m4a", tmp_path / "none.m4a"
    report = await render_soundtrack(
        narrations, total, with_bed, music=MusicBed("procedural", mood="calm")
    )
    await render_soundtrack(narrations, total, without)
    print(f"with the procedural bed: {report.measured}")
    assert report.music == "procedural (synthesised chords, calm)"
    assert_meets(report.measured, -14.0)
    gap = narrations[0].start + narration[0][2] + 0.6, narrations[1].start - 0.3
    piece = slice(round(gap[0] * RATE), round(gap[1] * RATE))
    bed, silent = decode(with_bed)[piece], decode(without)[piece]
    print(f"gap level with the bed {db(rms(bed)):.1f} dBFS, without {db(rms(silent)):.1f} dBFS")
    assert -45 < db(rms(bed)) < -20  # audible, well under the voice
    assert db(rms(silent)) < -70


async def test_packaged_music_is_found_and_used(narration: Spoken, tmp_path: Path) -> None:
    track = find_packaged_music("calm")
    assert track is not None, "immich-memories-music (MIT) is a dependency of videogen-media"
    assert track.suffix == ".opus"
    assert track.parent.name == "calm"
    assert find_packaged_music("documentary") != track  # moods pick their own folder
    narrations, total = laid_out(narration, 0.5)
    report = await render_soundtrack(
        narrations, total, tmp_path / "p.m4a", music=MusicBed("package", mood="calm")
    )
    assert report.music == f"package: immich-memories-music ({track.name})"
    assert_meets(report.measured, -14.0)


def test_procedural_beds_are_chords_without_clicks(tmp_path: Path) -> None:
    out = procedural_bed("calm", 30.0, tmp_path / "calm.wav")
    with wave.open(str(out), "rb") as w:
        assert (w.getframerate(), w.getnchannels()) == (48000, 2)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2) / 32768
    assert len(pcm) == 30 * RATE
    # Faded in and out; steady in the middle.
    assert db(rms(pcm[:480])) < db(rms(pcm[10 * RATE : 20 * RATE])) - 30
    assert db(rms(pcm[-480:])) < db(rms(pcm[10 * RATE : 20 * RATE])) - 30
    # No clicks: no sample step beyond the music's own, anywhere, and in particular not
    # where the chords change or the loop repeats (a click is a step far above the rest).
    steps = np.abs(np.diff(pcm, axis=0)).max(axis=1)
    typical = np.percentile(steps, 99.9)
    assert steps.max() <= 1.5 * typical
    spec = MOODS["calm"]
    for change in np.arange(1, 30 / spec.chord_s) * spec.chord_s:
        around = steps[round((change - 0.8) * RATE) : round((change + 0.8) * RATE)]
        assert around.max() <= 1.5 * typical, change
    assert np.abs(pcm[0]).max() < 1e-3  # starts from silence
    # Soft: nearly all the energy below 3 kHz.
    spectrum = np.abs(np.fft.rfft(pcm[5 * RATE : 25 * RATE, 0])) ** 2
    freqs = np.fft.rfftfreq(20 * RATE, 1 / RATE)
    assert spectrum[freqs < 3000].sum() / spectrum.sum() > 0.99


@pytest.mark.parametrize("mood", sorted(MOODS))
def test_each_chord_sounds_its_notes(mood: str) -> None:
    """In the middle of each chord the strongest partials are that chord's notes."""
    spec = MOODS[mood]
    loop = procedural_samples(mood, spec.chord_s * len(spec.chords) * 2)
    for index, chord in enumerate(spec.chords):
        middle = (index + 0.5) * spec.chord_s
        piece = loop[round((middle - 1) * RATE) : round((middle + 1) * RATE), 0]
        spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece))))
        freqs = np.fft.rfftfreq(len(piece), 1 / RATE)
        hz = [440 * 2 ** ((n - 69) / 12) for n in chord]
        strongest = freqs[np.argsort(spectrum)[-400:]]
        for f in hz:  # each note (and the bass) among the strongest bins, within 1 %
            assert np.any(np.abs(strongest - f) < f * 0.01), (mood, index, f)
    # The tiled loop has no seam: the step across it is like any other step.
    period = round(spec.chord_s * len(spec.chords) * RATE)
    seam = np.abs(np.diff(loop[period - 5 : period + 5], axis=0)).max()
    assert seam <= np.abs(np.diff(loop, axis=0)).max()
    assert abs(integrated_lufs(loop) - procedural_loudness(mood)) < 0.5


def test_pause_after() -> None:
    assert pause_after("The sun rises.", section_end=False) == 0.25
    assert pause_after("The sun rises.", section_end=True) == 0.6
    assert pause_after("Why does it rise?", section_end=False) > 0.25
    assert pause_after("It rises!\u201d", section_end=False) == pause_after(
        "It rises!", section_end=False
    )
    assert pause_after("And then\u2026", section_end=False) > pause_after("Why?", section_end=False)
    assert (
        pause_after(
            "\u6771\u4eac\u306f\u65e5\u672c\u306e\u9996\u90fd\u3067\u3059\u3002", section_end=False
        )
        == 0.25
    )
    assert pause_after("", section_end=False) == 0.0


async def test_bad_input_is_refused_clearly(narration: Spoken, tmp_path: Path) -> None:
    _, wav, seconds = narration[0]
    out = tmp_path / "x.m4a"
    with pytest.raises(ValueError, match="positive length"):
        await render_soundtrack([Narration(wav, 0, seconds)], 0.0, out)
    with pytest.raises(ValueError, match="outside"):
        await render_soundtrack([Narration(wav, 0, seconds)], seconds, out, target_lufs=-3)
    with pytest.raises(ValueError, match="must be >= 0"):
        await render_soundtrack([Narration(wav, -1, seconds)], seconds, out)
    with pytest.raises(FileNotFoundError):
        await render_soundtrack([Narration(tmp_path / "gone.wav", 0, 1)], 1.0, out)
    text = tmp_path / "notes.txt"
    text.write_text("not audio")
    with pytest.raises(ValueError, match="no audio"):
        await render_soundtrack(
            [Narration(wav, 0, seconds)], seconds, out, music=MusicBed("upload", text)
        )
    with pytest.raises(ValueError, match="needs its file"):
        await render_soundtrack(
            [Narration(wav, 0, seconds)], seconds, out, music=MusicBed("upload")
        )
    assert not [name for name in os.listdir(tmp_path) if name.endswith((".m4a", ".part"))]


async def test_silence_only_and_a_clip_past_the_end(narration: Spoken, tmp_path: Path) -> None:
    _, wav, seconds = narration[0]
    out = tmp_path / "short.m4a"
    # No narration at all (every sentence unvoiced): silence of the right length.
    report = await render_soundtrack([], 3.0, out)
    assert len(decode(out)) == 3 * RATE
    assert report.measured.integrated_lufs <= -69
    # A clip running past the end is cut there.
    await render_soundtrack([Narration(wav, 1.0, seconds)], 2.0, out)
    assert len(decode(out)) == 2 * RATE


def cpu_seconds() -> float:
    """This process's CPU time and its finished children's (the ffmpeg runs)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def test_a_cancelled_render_leaves_no_ffmpeg_and_no_file(
    narration: Spoken, tmp_path: Path
) -> None:
    narrations, total = laid_out(narration, 0.4)
    out = tmp_path / "cancelled.m4a"
    for delay in (0.05, 0.3):  # in the decode, then (likely) in the encode
        task = asyncio.create_task(
            render_soundtrack(narrations, total * 4, out, music=MusicBed("procedural"))
        )
        await asyncio.sleep(delay)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # This process's own ffmpeg children only: in the full suite the worker also
        # parents the session's PostgreSQL and NATS and the e2e stacks (whose media
        # services run ffmpeg of their own, as grandchildren).
        kids = [p for p in psutil.Process().children(recursive=False) if _is_ffmpeg(p)]
        assert kids == []
        assert os.listdir(tmp_path) == []


def reference_audio_encode(seconds: float, workdir: Path) -> tuple[float, float]:
    """bench_text2video's reference encode, its audio half (48 kHz stereo AAC 192 kb/s):
    (wall, CPU) seconds."""
    argv = [ffmpeg_executable(), "-y", "-v", "error", "-f", "lavfi", "-i",
            f"anullsrc=r=48000:cl=stereo:d={seconds:.3f}", "-c:a", "aac", "-b:a", "192k",
            "-ar", "48000", str(workdir / "reference.m4a")]  # fmt: skip
    started, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(argv, check=True, timeout=60)
    return time.perf_counter() - started, cpu_seconds() - cpu


async def test_sixty_seconds_of_soundtrack_is_quick(narration: Spoken, tmp_path: Path) -> None:
    """Printed against the reference audio encode of the same run. The target (<= 1 s wall
    on a quiet machine) is not asserted here, on a machine shared with other jobs: CPU
    seconds are, as a ratio to the reference's, which the sharing moves far less."""
    narrations: list[Narration] = []
    at = 0.0
    while at < 60.0:
        _, wav, seconds = narration[len(narrations) % len(narration)]
        narrations.append(Narration(wav, at, seconds + 0.3))
        at += seconds + 0.3
    await render_soundtrack(narrations, 60.0, tmp_path / "warm.m4a", music=MusicBed("procedural"))
    ref_wall, ref_cpu = min(reference_audio_encode(60.0, tmp_path) for _ in range(2))
    ratios = []
    for label, bed in (("speech", None), ("speech+bed", MusicBed("procedural"))):
        started, cpu = time.perf_counter(), cpu_seconds()
        await render_soundtrack(narrations, 60.0, tmp_path / "s.m4a", music=bed)
        wall, used = time.perf_counter() - started, cpu_seconds() - cpu
        ratios.append(used / ref_cpu)
        print(f"soundtrack 60 s ({label}): {wall:.3f} s wall, {used:.3f} s CPU; reference"
              f" audio encode {ref_wall:.3f} s wall, {ref_cpu:.3f} s CPU; ratios"
              f" {wall / ref_wall:.2f} wall, {used / ref_cpu:.2f} CPU")  # fmt: skip
    assert max(ratios) <= 12.0


def _is_ffmpeg(process: psutil.Process) -> bool:
    try:
        return "ffmpeg" in process.name() or any("ffmpeg" in a for a in process.cmdline()[:1])
    except psutil.NoSuchProcess:
        return False

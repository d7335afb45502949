"""Word-onset error against a reference whose word times are known (real Piper, real
espeak-ng): the aligner and Piper's own alignments are within the issue's targets, median
≤ 80 ms and p95 ≤ 150 ms (the method: word_timing_reference's docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest
from videogen_media.word_align import align_words
from videogen_providers.tts.espeak import espeak_path

from tests.integration.media.conftest import SENTENCES
from tests.integration.media.word_timing_reference import (
    SENTENCE,
    Speak,
    agreement,
    aligner_errors,
    alignment_errors,
    build_reference,
    espeak_speaker,
    piper_speaker,
    summary,
    write_wav,
)

MEDIAN_MS, P95_MS = 80.0, 150.0


@pytest.fixture(scope="module")
def piper() -> Speak:
    return piper_speaker()


def within_targets(name: str, errors: list[float]) -> None:
    median, p95 = summary(errors)
    print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms over {len(errors)} words")
    assert median <= MEDIAN_MS, name
    assert p95 <= P95_MS, name


def test_the_aligner_and_piper_alignments_meet_the_targets(
    piper: Speak, tmp_path: Path
) -> None:
    reference = build_reference(piper, tmp_path)
    within_targets("aligner on Piper's words", aligner_errors(reference))
    within_targets("Piper's alignments", alignment_errors(reference))
    # The measure can fail: the same words timed as if spoken at an even pace are far off.
    even = [abs(i * (reference.onsets[-1] / (len(reference.onsets) - 1)) - known)
            for i, known in enumerate(reference.onsets)]
    assert summary(even)[1] > P95_MS


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed")
def test_the_aligner_meets_the_targets_on_espeak_speech(tmp_path: Path) -> None:
    within_targets("aligner on espeak-ng's words",
                   aligner_errors(build_reference(espeak_speaker(), tmp_path)))


def test_piper_alignments_and_the_aligner_agree_on_connected_speech(
    piper: Speak, tmp_path: Path
) -> None:
    """No reference exists for connected speech: the aligner against Piper's own timings of
    the audio Piper made, over four sentences. The median meets the target; the tail does
    not (a breath group misplaced by a word moves several onsets by 200-400 ms, and Piper's
    audio differs from run to run), so what is asserted of it is that such misses are rare:
    at least 70 % of the onsets within 150 ms (docs/voices.md)."""
    errors = [e for text in (SENTENCE, *SENTENCES) for e in agreement(piper, tmp_path, text)]
    median, p95 = summary(errors)
    close = sum(e <= P95_MS / 1000 for e in errors) / len(errors)
    print(f"Piper vs aligner, 4 sentences: median {median:.1f} ms, p95 {p95:.1f} ms, "
          f"{close:.0%} within 150 ms")
    assert median <= MEDIAN_MS
    assert close >= 0.7


def test_silence_and_bad_audio(tmp_path: Path) -> None:
    import numpy as np

    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, np.zeros(16000, np.int16), 16000)
    timings = align_words(quiet, "nothing to hear")
    assert [t.word for t in timings] == ["nothing", "to", "hear"]
    assert all(0 <= t.start <= t.end <= 1.0 for t in timings)
    assert align_words(quiet, "…") == []
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav")
    from videogen_media.word_align import UnreadableAudio

    with pytest.raises(UnreadableAudio):
        align_words(junk, "hello")

"""The quality report of a video: what was measured, and a perceptual hash to measure with.

Two halves, one document (`reports/<production>.json`):
- the media half, written by the media preparation when the picture is encoded: word
  timings' sources, the caption checks, scene diversity (pHash distance between
  neighbouring scenes' stills), how many scenes had a meaningful visual, the languages
  and voices, and how long narration and picture took;
- the export half, measured on the finished file: loudness and true peak (ebur128), the
  audio and video streams' lengths (A/V sync), and the join's time.
`complete_report` merges them; each half is also valid alone (the fields it does not
measure are None), so a report is written even for a render without a media half.

Why pHash (the DCT hash of Zauner, "Implementation and benchmarking of perceptual image
hash functions", 2010): two scenes that look alike to a viewer (the same gradient with a
different word on it) hash within a few bits, where a pixel difference would call them
different. 64 bits; see MIN_NEIGHBOUR_DISTANCE for where "alike" ends.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec
import numpy as np
from numpy.typing import NDArray
from PIL import Image

HASH_SIDE = 8  # 8x8 low frequencies → 64 bits
_SAMPLE = 32  # the picture is reduced to 32x32 grey before the DCT
# Neighbouring scenes closer than this look alike (the e2e tests hold the pipeline to it).
# Measured: one picture re-encoded, resized and noised stays within 4 bits; two designed
# scenes of the same layout (icon left, headline right) with another palette and icon
# measured 6 on the decoded video, different layouts 15 to 30. pHash sees grey structure,
# not colour, so 5 is the line between "the same picture" and "another scene".
MIN_NEIGHBOUR_DISTANCE = 5

# Word-onset error of each timing source, as measured by tests/bench/bench_word_timing.py
# against words with known times (docs/voices.md has the run): the report states which
# source a video's timings came from and what that source's error is known to be.
ESTIMATED_ONSET_ERROR_MS: dict[str, tuple[float, float] | None] = {
    # (median, p95) in milliseconds; None: not measurable (no speech, or a guess).
    # Piper's own alignments: each word's onset against its sound (reference run: 14/42).
    "piper-alignment": (14.0, 42.0),
    # The aligner on words with known onsets (Piper's words 19/33, espeak-ng's 17/37): the
    # larger of the two. On connected speech it agrees with Piper within 38 ms (median).
    "aligner": (19.0, 37.0),
    "estimate": None,
    "none": None,
}


def _dct_matrix(n: int) -> NDArray[np.float64]:
    """The orthonormal DCT-II basis (rows): `m @ x @ m.T` is the 2-D DCT of x."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m: NDArray[np.float64] = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    m[0] /= np.sqrt(2.0)
    return m


_DCT = _dct_matrix(_SAMPLE)


def phash(image: Image.Image) -> int:
    """64-bit perceptual hash: low DCT frequencies of the grey 32x32 picture vs their median."""
    grey = np.asarray(image.convert("L").resize((_SAMPLE, _SAMPLE), Image.Resampling.LANCZOS))
    freq = _DCT @ grey.astype(np.float64) @ _DCT.T
    low = freq[:HASH_SIDE, :HASH_SIDE].flatten()
    # The DC term (overall brightness) is left out of the median: it would dominate it.
    bits = low > np.median(low[1:])
    return int("".join("1" if b else "0" for b in bits), 2)


def phash_file(path: Path) -> int:
    with Image.open(path) as image:
        return phash(image)


def distance(a: int, b: int) -> int:
    """Hamming distance of two hashes: 0 (alike) to 64."""
    return (a ^ b).bit_count()


def neighbour_distances(hashes: Sequence[int]) -> list[int]:
    return [distance(a, b) for a, b in itertools.pairwise(hashes)]


# --- the report ---------------------------------------------------------------------------


class LoudnessReport(msgspec.Struct, frozen=True, kw_only=True):
    integrated_lufs: float
    true_peak_dbtp: float
    target_lufs: float
    loudness_range_lu: float | None = None


class TimingError(msgspec.Struct, frozen=True, kw_only=True):
    median_ms: float
    p95_ms: float


class WordTimingReport(msgspec.Struct, frozen=True, kw_only=True):
    # Sentences per source ("piper-alignment": 5, "aligner": 1).
    sources: dict[str, int]
    # The known error of each source used (None: a guess, or no speech).
    estimated_error: dict[str, TimingError | None]


class CaptionReport(msgspec.Struct, frozen=True, kw_only=True):
    inside_safe_area: bool
    no_overflow: bool
    lines: int = 0
    problems: list[str] = msgspec.field(default_factory=list)
    style: str = ""


class DistanceSummary(msgspec.Struct, frozen=True, kw_only=True):
    min: int
    median: float


class SceneReport(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    # An icon, stock footage, an upload or a Manim scene, against a typographic card.
    meaningful: int
    typographic: int
    by_source: dict[str, int]
    by_layout: dict[str, int]
    # None for a single scene (no neighbours).
    phash_neighbour_distance: DistanceSummary | None
    style: str = ""
    icons: list[list[str]] = msgspec.field(default_factory=list)  # per scene, matched tags
    # Per scene: the icons shown and their tags (names and search terms).
    icon_ids: list[list[str]] = msgspec.field(default_factory=list)
    icon_tags: list[list[str]] = msgspec.field(default_factory=list)
    layouts: list[str] = msgspec.field(default_factory=list)  # per scene
    # Where each scene starts and ends on the timeline (s): to find them in the video.
    starts_s: list[float] = msgspec.field(default_factory=list)


class LanguageReport(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    voice: str
    sentences: int
    unvoiced: int


class AvSync(msgspec.Struct, frozen=True, kw_only=True):
    video_s: float
    audio_s: float
    offset_ms: float


class Timings(msgspec.Struct, frozen=True, kw_only=True):
    # Wall time of the narration (all sentences, concurrent), of the picture segments'
    # encodes added up, of the part of them after the last narration (the critical path's
    # tail), and of the export's assembly (soundtrack + join + measure).
    narration_s: float | None = None
    picture_s: float | None = None
    picture_after_narration_s: float | None = None
    soundtrack_s: float | None = None
    join_s: float | None = None


class QualityReport(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 1
    loudness: LoudnessReport | None = None
    word_timing: WordTimingReport | None = None
    captions: CaptionReport | None = None
    scenes: SceneReport | None = None
    languages: list[LanguageReport] = msgspec.field(default_factory=list)
    av_sync: AvSync | None = None
    timings: Timings = msgspec.field(default_factory=Timings)
    music: str | None = None
    # Anything a reader should know (a language with no voice, a caption problem).
    warnings: list[str] = msgspec.field(default_factory=list)


def word_timing_report(sources: Iterable[str]) -> WordTimingReport:
    counts = Counter(sources)
    errors: dict[str, TimingError | None] = {}
    for source in sorted(counts):
        known = ESTIMATED_ONSET_ERROR_MS.get(source)
        errors[source] = TimingError(median_ms=known[0], p95_ms=known[1]) if known else None
    return WordTimingReport(sources=dict(sorted(counts.items())), estimated_error=errors)


def distance_summary(hashes: Sequence[int]) -> DistanceSummary | None:
    gaps = neighbour_distances(hashes)
    if not gaps:
        return None
    return DistanceSummary(min=min(gaps), median=float(statistics.median(gaps)))


def scene_report(
    sources: Sequence[str], layouts: Sequence[str], hashes: Sequence[int], *, style: str = "",
    icon_tags: Sequence[Sequence[str]] = (), edges_s: Sequence[float] = (),
    icon_ids: Sequence[Sequence[str]] = (), icon_terms: Sequence[Sequence[str]] = (),
) -> SceneReport:
    typographic = sum(1 for s in sources if s == "type")
    return SceneReport(
        count=len(sources), meaningful=len(sources) - typographic, typographic=typographic,
        by_source=dict(sorted(Counter(sources).items())),
        by_layout=dict(sorted(Counter(layouts).items())),
        phash_neighbour_distance=distance_summary(hashes), style=style,
        icons=[list(tags) for tags in icon_tags], layouts=list(layouts),
        icon_ids=[list(ids) for ids in icon_ids], icon_tags=[list(t) for t in icon_terms],
        starts_s=[round(t, 3) for t in edges_s],
    )


def av_sync(video_s: float, audio_s: float) -> AvSync:
    return AvSync(
        video_s=round(video_s, 3), audio_s=round(audio_s, 3),
        offset_ms=round((audio_s - video_s) * 1000, 1),
    )


def complete_report(
    media: QualityReport | None, *, loudness: LoudnessReport | None, sync: AvSync | None,
    soundtrack_s: float | None, join_s: float | None, music: str | None,
) -> QualityReport:
    """The media half with the export's measurements of the finished file added."""
    base = media or QualityReport()
    timings = msgspec.structs.replace(base.timings, soundtrack_s=soundtrack_s, join_s=join_s)
    warnings = list(base.warnings)
    if sync is not None and abs(sync.offset_ms) > 1000 / 30 + 25:
        warnings.append(f"audio and video lengths differ by {sync.offset_ms:.0f} ms")
    if loudness is not None and loudness.true_peak_dbtp > -1.0:
        warnings.append(f"true peak {loudness.true_peak_dbtp:.1f} dBTP is above -1 dBTP")
    return msgspec.structs.replace(
        base, loudness=loudness, av_sync=sync, timings=timings, music=music, warnings=warnings
    )


def encode_report(report: QualityReport) -> bytes:
    return msgspec.json.format(msgspec.json.encode(report), indent=2)


def decode_report(raw: bytes) -> QualityReport:
    return msgspec.json.decode(raw, type=QualityReport)

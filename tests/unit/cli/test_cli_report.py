"""The quality report in the CLI: a few lines from the gateway's JSON, parts it lacks left
out, and the report carried by both surfaces' status rows."""

from __future__ import annotations

from typing import Any

from videogen_cli.jobkinds import aura_row, doc004_row
from videogen_cli.report import report_lines

# As the export service writes it (videogen_media.quality.QualityReport).
REPORT: dict[str, Any] = {
    "version": 1,
    "loudness": {"integrated_lufs": -14.06, "true_peak_dbtp": -1.31, "target_lufs": -14.0,
                 "loudness_range_lu": 3.2},
    "word_timing": {"sources": {"aligner": 1, "piper-alignment": 5},
                    "estimated_error": {"aligner": {"median_ms": 45.0, "p95_ms": 110.0},
                                        "piper-alignment": {"median_ms": 30.0, "p95_ms": 70.0}}},
    "captions": {"inside_safe_area": True, "no_overflow": True, "lines": 9, "problems": []},
    "scenes": {"count": 6, "meaningful": 5, "typographic": 1, "by_source": {"icon": 5, "type": 1},
               "by_layout": {}, "phash_neighbour_distance": {"min": 14, "median": 22.0}},
    "languages": [{"language": "en", "voice": "en_US-lessac-medium", "sentences": 5,
                   "unvoiced": 0},
                  {"language": "ja", "voice": "", "sentences": 1, "unvoiced": 1}],
    "av_sync": {"video_s": 26.5, "audio_s": 26.5, "offset_ms": 0.0},
    "timings": {"narration_s": 1.2},
    "music": "procedural (synthesised chords, calm)",
    "warnings": ["ja: no installed voice speaks it; its sentence is silent"],
}


def test_every_part_of_a_report_in_one_line_each() -> None:
    assert report_lines(REPORT) == [
        "loudness -14.1 LUFS (target -14), true peak -1.3 dBTP",
        "word timing aligner x1 (~45 ms), piper-alignment x5 (~30 ms)",
        "captions inside the safe area, no overflow",
        "scenes 6 (5 illustrated, 1 typographic), neighbours differ by >= 14 bits (pHash)",
        "languages en (en_US-lessac-medium); ja (no voice), 1 unvoiced",
        "A/V sync +0 ms",
        "music procedural (synthesised chords, calm)",
        "warning: ja: no installed voice speaks it; its sentence is silent",
    ]


def test_what_a_report_lacks_is_left_out() -> None:
    assert report_lines({}) == []
    half: dict[str, Any] = {
        "loudness": None, "languages": [{}],
        "captions": {"inside_safe_area": False, "no_overflow": True,
                     "problems": ["line 3 leaves the frame"]},
        "scenes": {"count": 1, "phash_neighbour_distance": None},
    }
    assert report_lines(half) == ["captions: line 3 leaves the frame", "scenes 1"]


def test_both_surfaces_rows_carry_the_report() -> None:
    row = doc004_row("a", {"status": "completed", "stage": "completed", "progress": 100,
                           "message": "done", "created_at": 1796216486, "quality": REPORT})
    assert row.quality == REPORT
    assert doc004_row("b", {"status": "queued", "quality": None}).quality is None
    aura = aura_row({"jobId": "c", "status": "Succeeded", "steps": [], "quality": REPORT})
    assert aura.quality == REPORT

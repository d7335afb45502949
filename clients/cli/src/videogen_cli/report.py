"""A finished video's quality report (issue 15), in a few lines a person reads at a glance.

The report is the gateway's JSON (`quality` in a job's status; GET /api/v1/jobs/{id}/report
has the whole of it); any part it lacks is left out here, never guessed.
"""

from __future__ import annotations

from typing import Any


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def report_lines(report: dict[str, Any]) -> list[str]:
    """One line per part of the report: loudness, word timing, captions, scenes, languages,
    A/V sync, music, then each warning."""
    parts = [_loudness(report), _timing(report), _captions(report), _scenes(report),
             _languages(report), _sync(report), _music(report)]
    lines = [line for line in parts if line]
    lines += [f"warning: {w}" for w in report.get("warnings") or [] if isinstance(w, str)]
    return lines


def _loudness(report: dict[str, Any]) -> str | None:
    loud = _dict(report.get("loudness"))
    lufs, peak, target = (_num(loud.get(k)) for k in
                          ("integrated_lufs", "true_peak_dbtp", "target_lufs"))
    if lufs is None:
        return None
    line = f"loudness {lufs:.1f} LUFS"
    line += f" (target {target:g})" if target is not None else ""
    return line + (f", true peak {peak:.1f} dBTP" if peak is not None else "")


def _timing(report: dict[str, Any]) -> str | None:
    timing = _dict(report.get("word_timing"))
    sources = _dict(timing.get("sources"))
    if not sources:
        return None
    shown = []
    for source, count in sources.items():
        error = _dict(_dict(timing.get("estimated_error")).get(source))
        median = _num(error.get("median_ms"))
        shown.append(f"{source} x{count}" + (f" (~{median:.0f} ms)" if median is not None
                                               else ""))
    return "word timing " + ", ".join(shown)


def _captions(report: dict[str, Any]) -> str | None:
    captions = _dict(report.get("captions"))
    if not captions:
        return None
    problems = [p for p in captions.get("problems") or [] if isinstance(p, str)]
    ok = captions.get("inside_safe_area") is True and captions.get("no_overflow") is True
    if ok and not problems:
        return "captions inside the safe area, no overflow"
    return "captions: " + ("; ".join(problems) or "outside the safe area or overflowing")


def _scenes(report: dict[str, Any]) -> str | None:
    scenes = _dict(report.get("scenes"))
    count = _num(scenes.get("count"))
    if count is None:
        return None
    line = f"scenes {count:.0f}"
    meaningful, typographic = _num(scenes.get("meaningful")), _num(scenes.get("typographic"))
    if meaningful is not None and typographic is not None:
        line += f" ({meaningful:.0f} illustrated, {typographic:.0f} typographic)"
    least = _num(_dict(scenes.get("phash_neighbour_distance")).get("min"))
    return line + (f", neighbours differ by >= {least:.0f} bits (pHash)" if least is not None
                   else "")


def _languages(report: dict[str, Any]) -> str | None:
    shown = []
    for item in report.get("languages") or []:
        lang = _dict(item)
        if not lang.get("language"):
            continue
        unvoiced = _num(lang.get("unvoiced")) or 0
        text = f"{lang['language']} ({lang.get('voice') or 'no voice'})"
        shown.append(text + (f", {unvoiced:.0f} unvoiced" if unvoiced else ""))
    return "languages " + "; ".join(shown) if shown else None


def _sync(report: dict[str, Any]) -> str | None:
    offset = _num(_dict(report.get("av_sync")).get("offset_ms"))
    return None if offset is None else f"A/V sync {offset:+.0f} ms"


def _music(report: dict[str, Any]) -> str | None:
    music = report.get("music")
    return f"music {music}" if isinstance(music, str) and music else None

"""A finished video's quality report (issue 15): a JSON blob beside the video, written by
the export service, read here for every surface that shows it.

Reports are small (a few kB); one larger than `REPORT_MAX_BYTES`, or one that is not a JSON
object, is treated as missing rather than sent on, and logged: it is not what the export
service writes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import structlog

from videogen_gateway.downloads import blob_path

log = structlog.get_logger("videogen_gateway.reports")

REPORT_MAX_BYTES = 1 << 20


def _read(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read(REPORT_MAX_BYTES + 1)
    except OSError:
        return None


async def read_report(data_dir: Path, key: str | None) -> dict[str, Any] | None:
    """The report under `key` as a JSON object; None when there is none (no key, no file,
    or a file that is not a report)."""
    if key is None:
        return None
    raw = await asyncio.to_thread(_read, blob_path(data_dir, key))
    if raw is None:
        log.error("report.missing_file", key=key)
        return None
    if len(raw) > REPORT_MAX_BYTES:
        log.error("report.too_large", key=key)
        return None
    try:
        report = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        log.error("report.not_json", key=key)
        return None
    if not isinstance(report, dict):
        log.error("report.not_an_object", key=key)
        return None
    return report

"""The web studio's quality report (static/report.js): its pure `reportFacts` run under Node
on the report the export service writes, each part a line with its verdict. The page
itself is exercised by the browser tests; this pins what it says."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import videogen_gateway

from tests.unit.cli.test_cli_report import REPORT

REPORT_JS = Path(videogen_gateway.__file__).parent / "studio_web" / "static" / "report.js"
NODE = shutil.which("node")


def facts(report: dict[str, Any]) -> list[dict[str, Any]]:
    if NODE is None:
        pytest.skip("node is not installed")
    script = (f"import {{ reportFacts }} from {json.dumps(REPORT_JS.as_uri())};"
              f" console.log(JSON.stringify(reportFacts({json.dumps(report)})));")
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True,
                          text=True, timeout=30, check=True)
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def test_every_part_of_the_report_with_its_verdict() -> None:
    shown = {f["key"]: (f["text"], f["ok"]) for f in facts(REPORT) if f["key"] != "warning"}
    assert shown == {
        "loudness": ("-14.1 LUFS (target -14), true peak -1.3 dBTP", True),
        "timing": ("aligner \u00d71 (~45 ms), piper-alignment \u00d75 (~30 ms)", None),
        "captions": ("inside the safe area, no overflow", True),
        "scenes": ("6, 5 illustrated, 1 typographic; neighbours differ by ≥ 14 bits", None),
        "languages": ("en (en_US-lessac-medium); ja (no voice), 1 unvoiced", False),
        "sync": ("0 ms", True),
        "music": ("procedural (synthesised chords, calm)", None),
    }
    assert [f["text"] for f in facts(REPORT) if f["key"] == "warning"] == REPORT["warnings"]


def test_problems_are_flagged_and_missing_parts_left_out() -> None:
    shown = facts({"loudness": {"integrated_lufs": -11.0, "target_lufs": -14,
                                "true_peak_dbtp": -0.2},
                   "captions": {"inside_safe_area": False, "no_overflow": True,
                                "problems": ["a line leaves the frame"]},
                   "av_sync": {"offset_ms": 120}})
    assert [(f["key"], f["ok"]) for f in shown] == [
        ("loudness", False), ("captions", False), ("sync", False)]
    assert facts({}) == []

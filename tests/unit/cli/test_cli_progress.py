"""Both job surfaces' SSE messages in the CLI's one vocabulary, and what a person reads."""

from __future__ import annotations

from datetime import UTC, datetime

from videogen_cli.jobkinds import End, LogLine, Tick, aura_row, doc004_row, translate
from videogen_cli.progress import detail_of
from videogen_cli.sse import SseMessage


def test_doc_004_messages() -> None:
    narrating = translate("text2video", SseMessage("7", "progress", {
        "stage": "narrating", "progress": 20, "items_done": 3, "items_total": 6,
        "percent": None, "message": "Narrating", "at": "2026-12-02T13:00:00Z"}))
    assert narrating == Tick(stage="narrating", progress=20, items=(3, 6), message="Narrating",
                             at=datetime(2026, 12, 2, 13, tzinfo=UTC))
    assert isinstance(narrating, Tick)
    assert detail_of(narrating, None) == "narration 3/6"
    rendering = Tick(stage="rendering", progress=90, percent=40)
    assert detail_of(rendering, 72.4) == "render 40% · ETA 1:12"
    assert translate("project", SseMessage("8", "log", {"line": "Rendering"})) == LogLine(
        "Rendering")
    assert translate("text2video", SseMessage("9", "completed", {
        "output_file": "/api/v1/download/x"})) == End("completed", download="/api/v1/download/x")
    assert translate("text2video", SseMessage("9", "failed", {"error": "no voice"})) == End(
        "failed", error="no voice")
    assert translate("text2video", SseMessage(None, "connected", {"job_id": "x"})) is None


def test_aura_messages() -> None:
    voice = translate("brief", SseMessage("5", "step-progress", {
        "step": "Voice", "progressPct": 50, "etaSeconds": 4, "phase": "narrating",
        "currentItem": 2, "totalItems": 4, "message": "Voice 2/4"}))
    assert voice == Tick(stage="narrating", progress=30, items=(2, 4), eta_s=4,
                         message="Voice 2/4")
    render = translate("brief", SseMessage("6", "step-progress", {
        "step": "Render", "progressPct": 50, "etaSeconds": 9}))
    assert render == Tick(stage="rendering", progress=95, percent=50, eta_s=9)
    assert translate("brief", SseMessage("7", "job-failed", {"errors": [
        {"code": "RENDER_FAILED", "message": "ffmpeg exited 1"}]})) == End(
        "failed", error="RENDER_FAILED: ffmpeg exited 1")
    assert translate("brief", SseMessage("8", "job-cancelled", {})) == End("cancelled")


def test_status_rows_of_both_surfaces() -> None:
    row = doc004_row("a", {"status": "failed", "stage": "cancelled", "progress": 40,
                           "message": "Cancelled", "created_at": 1796216486, "kind": "project"})
    assert (row.kind, row.status, row.stage, row.progress) == ("project", "cancelled",
                                                               "cancelled", 40)
    aura = aura_row({"jobId": "b", "status": "Running", "createdUtc": "2026-12-02T13:00:00Z",
                     "steps": [{"name": "Script", "status": "Succeeded", "progressPct": 100},
                               {"name": "Voice", "status": "Running", "progressPct": 50}]})
    assert (aura.kind, aura.status, aura.stage, aura.progress) == ("brief", "processing",
                                                                   "narrating", 30)

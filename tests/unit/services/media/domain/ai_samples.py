"""Shared AI edit samples: one requested job of two variants over a segment's 2..4 s."""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.media.ai_edits import (
    AiEditRequested,
    Box,
    RegionEdit,
    RenderedVariant,
    RequestAiEdit,
    VariantSpec,
)

from tests.unit.services.media.domain.editor_samples import KEY, NOW, PROJ, SEG, seg_id

JOB = UUID("00000000-0000-4000-8000-0000000000c1")
V1, V2 = seg_id(901), seg_id(902)
SPECS = [VariantSpec(variant_id=V1, index=0, strength=0.5, softness=8),
         VariantSpec(variant_id=V2, index=1, strength=0.9, softness=16)]


def request(**overrides: object) -> RequestAiEdit:
    fields: dict[str, object] = {
        "command_id": "gen-1", "now": NOW, "job_id": JOB, "project_id": PROJ,
        "prompt": "blur the face", "edit": RegionEdit(operation="blur"),
        "start_ts": 2.0, "end_ts": 4.0, "segment_id": SEG, "media_key": KEY,
        "source_start_ts": 2.0, "source_end_ts": 4.0,
        "box": Box(x=10, y=20, width=100, height=80), "seed": 7, "variants": SPECS,
    }
    return RequestAiEdit(**(fields | overrides))  # type: ignore[arg-type]


REQUESTED = AiEditRequested(
    job_id=JOB, project_id=PROJ, prompt="blur the face", edit=RegionEdit(operation="blur"),
    start_ts=2.0, end_ts=4.0, segment_id=SEG, media_key=KEY, source_start_ts=2.0,
    source_end_ts=4.0, box=Box(x=10, y=20, width=100, height=80), seed=7, variants=SPECS,
    requested_at=NOW,
)


def rendered(variant_id: UUID, duration_s: float = 2.0) -> RenderedVariant:
    base = f"editor/{PROJ}/ai/{JOB}/{variant_id}"
    return RenderedVariant(variant_id=variant_id, video_key=f"{base}.mp4",
                           preview_key=f"{base}.jpg", duration_s=duration_s)

"""The offline renderer of AI variants: the ffmpeg region editor (videogen_media.region_edits)."""

from __future__ import annotations

from pathlib import Path

from videogen_contracts.media.ai_edits import AiEditRequested, VariantSpec
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.region_edits import render_variant

from media_service.workers.ai_edits import VariantRenderFailed


class OfflineRegionRenderer:
    """`provider == "offline"`: one ffmpeg pass confined to the box and the range."""

    async def render(
        self, source: Path, request: AiEditRequested, spec: VariantSpec, video_out: Path,
        preview_out: Path,
    ) -> float:
        try:
            return await render_variant(
                source, request.source_start_ts, request.source_end_ts, request.box,
                request.edit, spec, video_out, preview_out,
            )
        except FfmpegFailed as failed:
            raise VariantRenderFailed(f"the region editor failed: {failed}") from failed

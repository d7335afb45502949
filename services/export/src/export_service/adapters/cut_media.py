"""The export worker's CutRenderer on videogen_media.cut_render: one ffmpeg pass per export.

Each cut's media key becomes its file in the blob store (MissingInput if it is gone), and
its grade the ffmpeg filter chain that previews use too (videogen_media.grading), so an
export looks like the graded preview.
"""

from __future__ import annotations

from pathlib import Path

from videogen_contracts.export.exports import Cut, ExportFormat
from videogen_media import cut_render
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.grading import grade_filter
from videogen_media.probe import ProbeFailed

from export_service.adapters.media import measure_output
from export_service.app.ports import BlobStore, EncodeFailed, ProgressCallback, RenderedFile


class FfmpegCutRenderer:
    def __init__(self, ffmpeg_exe: str) -> None:
        self.ffmpeg_exe = ffmpeg_exe

    async def render_cuts(
        self,
        cuts: list[Cut],
        fmt: ExportFormat,
        blobs: BlobStore,
        output: Path,
        progress: ProgressCallback,
    ) -> None:
        media = [
            cut_render.Cut(blobs.local_path(c.media_key), c.start_ts, c.end_ts,
                           video_filter=grade_filter(c.grade))
            for c in cuts
        ]  # fmt: skip
        try:
            await cut_render.render_cuts(
                media, fmt, output, on_progress=progress, ffmpeg_exe=self.ffmpeg_exe
            )
        except (FfmpegFailed, ProbeFailed, cut_render.InvalidCuts) as error:
            raise EncodeFailed(str(error)) from error

    async def probe(self, path: Path) -> RenderedFile:
        return await measure_output(path)

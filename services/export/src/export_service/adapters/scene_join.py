"""The Manim combine's SceneJoiner on videogen_media: `scene_concat` (one ffmpeg pass) and
`srt_merge` (each scene's cues shifted to where the concat put the scene)."""

from __future__ import annotations

from pathlib import Path

from videogen_media.cut_render import InvalidCuts
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.probe import ProbeFailed
from videogen_media.scene_concat import concat_scenes
from videogen_media.srt_merge import InvalidSrt, SceneSubtitles, merge_srts, parse_srt

from export_service.app.ports import EncodeFailed
from export_service.workers.manim_combine import JoinedVideo, SceneFiles


class FfmpegSceneJoiner:
    def __init__(self, ffmpeg_exe: str) -> None:
        self.ffmpeg_exe = ffmpeg_exe

    async def join(self, scenes: list[SceneFiles], output: Path) -> JoinedVideo:
        cues = []
        for scene in scenes:
            try:
                cues.append(parse_srt(scene.srt) if scene.srt is not None else [])
            except InvalidSrt as error:
                # Before the encode: a scene's unreadable subtitles fail the combine at once.
                raise EncodeFailed(f"scene {scene.scene_number}'s subtitles: {error}") from error
        try:
            joined = await concat_scenes(
                [scene.video for scene in scenes], output, ffmpeg_exe=self.ffmpeg_exe
            )
        except (FfmpegFailed, ProbeFailed, InvalidCuts) as error:
            raise EncodeFailed(str(error)) from error
        parts = zip(cues, joined.starts, joined.lengths, strict=True)
        srt = merge_srts([SceneSubtitles(c, start, length) for c, start, length in parts])
        return JoinedVideo(joined.duration_s, srt)

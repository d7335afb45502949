"""A render request in videogen_media's terms: its scenes, their backgrounds, the settings.

Pure mapping, no I/O beyond finding each input blob's file. What the contract leaves
loose is settled here, as the export service always has: a procedural spec's colours are
filtered to valid `#rrggbb` ones (a fallback palette when none is left), its style names
("gradient" is the media service's older name for "linear") map to the gradient types,
and an audio bitrate left unset is 192 kbit/s. Procedural backgrounds are stills, held for
their scene: the renderer's cheapest picture (one frame per caption change goes through
the graph). A designed scene (kind "designed") is its still PNG, held the same way: the
one-pass render cannot animate it (the pipelined preparation's segments do).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import msgspec
from videogen_contracts.export.events import RenderRequested, TimelineClip
from videogen_contracts.media.events import ProceduralSpec
from videogen_contracts.project import production
from videogen_media.render import Scene
from videogen_media.render_settings import Codec, Container, RenderSettings
from videogen_media.visuals import Background, GradientStyle

from export_service.domain.encoder_choice import encoder_choice

AUDIO_BITRATE_K = 192
FALLBACK_PALETTE = ("#1d2b3a", "#3f5d7a", "#0b1118")
GRADIENT_TYPES: dict[str, GradientStyle] = {
    "gradient": "linear", "linear": "linear", "radial": "radial", "circular": "circular",
    "spiral": "spiral", "square": "square",
}  # fmt: skip
CODECS: dict[str, Codec] = {"h264": "h264", "hevc": "hevc", "vp9": "vp9"}
CONTAINERS: dict[str, Container] = {"mp4": "mp4", "webm": "webm"}


class InputFiles(Protocol):
    """The part of the worker's BlobStore the mapping needs."""

    def local_path(self, key: str) -> Path:
        """Raises MissingInput for a key with no blob."""
        ...


def render_settings_of(settings: production.RenderSettings) -> RenderSettings:
    """The encoder settings; the request's exact frame size wins over its aspect."""
    video_k, audio_k = settings.video_bitrate_k, settings.audio_bitrate_k
    preset, crf = encoder_choice(settings)
    return RenderSettings(
        aspect=settings.aspect, fps=settings.fps, crf=crf, preset=preset,
        codec=CODECS[settings.codec], container=CONTAINERS[settings.container],
        audio_bitrate_k=AUDIO_BITRATE_K if audio_k is msgspec.UNSET else audio_k,
        video_bitrate_k=None if video_k is msgspec.UNSET else video_k,
        scene_cut=settings.scene_cut is not False, frame=(settings.width, settings.height),
    )


def background_of(spec: ProceduralSpec) -> Background:
    colors = [c for c in spec.palette if _is_hex(c)][:8] or list(FALLBACK_PALETTE)
    if len(colors) == 1:
        colors.append(colors[0])
    style = GRADIENT_TYPES.get(spec.style, "linear")
    return Background(tuple(colors), style, spec.seed % 2**32, motion=False)


def scene_of(clip: TimelineClip, blobs: InputFiles) -> Scene:
    """Raises MissingInput (from the blob store) for a narration or clip that is gone."""
    visual = clip.visual
    narration = blobs.local_path(clip.narration_key)
    if visual.kind in ("stock", "designed") and visual.key:
        # A designed scene's key is its still (a PNG): held for the scene, as a stock image.
        return Scene(narration, clip.duration_s, media=blobs.local_path(visual.key))
    spec = visual.spec or ProceduralSpec(style="linear", palette=[])
    return Scene(narration, clip.duration_s, background=background_of(spec))


def scenes_of(request: RenderRequested, blobs: InputFiles) -> list[Scene]:
    return [scene_of(clip, blobs) for clip in request.clips]


def _is_hex(color: str) -> bool:
    digits = color.removeprefix("#")
    return len(digits) == 6 and all(c in "0123456789abcdefABCDEF" for c in digits)

"""The hosted renderer: a region edit's variant drawn by a hosted video model.

The worker calls it for a VariantSpec whose `provider` is not "offline". The model is
asked for the inside of the box only (the prompt, the variant's description and a JPEG of
the box's first frame), and its clip is composited back over the original range with
`overlay_in_box`, feathered at the edges: outside the box the pixels are the original's,
whatever the model drew. The clip and preview land where the offline renderer's would, so
the worker records either the same way.

Which model, where and with which key: `ProviderConfig` (VIDEOGEN_VIDEO_MODEL, and its base
URL and key, defaulting to the OpenAI ones). A process with none configured still builds a
renderer: a hosted spec then fails with that reason rather than rendering offline silently.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import structlog
from videogen_contracts.media.ai_edits import Box, RegionEdit, VariantSpec
from videogen_media.ffmpeg import ProgressCallback, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.region_edits import overlay_in_box
from videogen_providers.config import ProviderConfig
from videogen_providers.vendor_errors import VendorError, VendorUnavailable
from videogen_providers.video.model import VideoModel, VideoRequest
from videogen_providers.video.selection import video_model_from_config

log = structlog.get_logger("media_service.video_models")


class HostedVariantFailed(RuntimeError):
    """The hosted model could not render this variant; the message says why."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        # The vendor was down or slow after the client's own retries: a later job may work.
        self.transient = transient


def hosted_prompt(prompt: str, edit: RegionEdit, spec: VariantSpec) -> str:
    """What the model is asked: the user's words, for the inside of the box only."""
    variant = f" Variant {spec.index + 1}: {spec.description}." if spec.description else ""
    return (
        f"{prompt.strip()} This clip is only the region being edited ({edit.operation});"
        f" keep its framing and motion.{variant}"
    )


async def box_reference(source: Path, at_s: float, box: Box, out: Path) -> bytes:
    """A JPEG of the box at `at_s`: what the model starts from."""
    crop = f"crop={box.width}:{box.height}:{box.x}:{box.y}"
    await run_ffmpeg([
        ffmpeg_executable(), "-y", "-ss", f"{at_s:.3f}", "-i", str(source),
        "-frames:v", "1", "-vf", crop, "-q:v", "3", str(out),
    ])
    return await asyncio.to_thread(out.read_bytes)


class HostedVariantRenderer:
    def __init__(self, model: VideoModel | None, *, not_configured: str = "") -> None:
        self.model = model
        self.not_configured = not_configured or "no hosted video model is configured"

    @classmethod
    def from_config(cls, config: ProviderConfig) -> HostedVariantRenderer:
        try:
            return cls(video_model_from_config(config))
        except VendorError as error:  # named for OpenAI but no key: say so per variant
            return cls(None, not_configured=str(error))

    async def render_variant(
        self, source: Path, start_s: float, end_s: float, box: Box, edit: RegionEdit,
        spec: VariantSpec, video_out: Path, preview_out: Path, *, prompt: str,
        on_progress: ProgressCallback | None = None,
    ) -> float:
        """Like `render_variant` of the offline editor: writes the range's clip and its
        middle frame, returns the clip's duration; raises HostedVariantFailed."""
        if self.model is None:
            raise HostedVariantFailed(
                f"{self.not_configured} (VIDEOGEN_VIDEO_MODEL in the media service)"
            )
        with tempfile.TemporaryDirectory(prefix="vg-hosted-") as tmp:
            scratch = Path(tmp)
            request = VideoRequest(
                prompt=hosted_prompt(prompt, edit, spec), seconds=end_s - start_s,
                width=box.width, height=box.height,
                reference_jpeg=await box_reference(source, start_s, box, scratch / "box.jpg"),
            )
            try:
                generated = await self.model.generate(request, scratch / "patch.mp4")
            except VendorError as error:
                log.warning("hosted.variant_failed", variant_id=str(spec.variant_id),
                            error=str(error))
                raise HostedVariantFailed(
                    str(error), transient=isinstance(error, VendorUnavailable)
                ) from error
            log.info("hosted.generated", variant_id=str(spec.variant_id),
                     vendor_id=generated.vendor_id, model=generated.model)
            return await overlay_in_box(
                source, generated.path, start_s, end_s, box, video_out, preview_out,
                softness=spec.softness, on_progress=on_progress,
            )

    async def aclose(self) -> None:
        if self.model is not None:
            await self.model.aclose()

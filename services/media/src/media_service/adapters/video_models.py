"""The hosted renderer: a region edit's variant drawn by a hosted video model.

The AI edit worker uses it for a VariantSpec whose `provider` is "openai-video"
(workers/ai_edits.py's renderers, by provider). The model is asked for the inside of the
box only (the prompt, the variant's description and a JPEG of the box's first frame), and
its clip is composited back over the original range by `overlay_in_box`, feathered at the
edges: outside the box the pixels are the original's, whatever the model drew. The clip
and its preview are what the offline renderer writes, so the worker records either alike.

Which model, where and with which key: `ProviderConfig` (VIDEOGEN_VIDEO_MODEL, and its base
URL and key, defaulting to the OpenAI ones). A process with none configured still has this
renderer: a hosted spec then fails its job with that reason, never renders offline
silently. Every vendor failure (after the client's own bounded retries) fails the job with
the vendor's reason rather than going back to the queue: a redelivery would wait the whole
generation time again for an answer that is most likely the same.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import structlog
from videogen_contracts.media.ai_edits import AiEditRequested, Box, VariantSpec
from videogen_media.ffmpeg import FfmpegFailed, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.region_edits import overlay_in_box
from videogen_providers.config import ProviderConfig
from videogen_providers.vendor_errors import VendorError
from videogen_providers.video.model import VideoModel, VideoRequest
from videogen_providers.video.selection import video_model_from_config

from media_service.workers.ai_edits import VariantRenderFailed

log = structlog.get_logger("media_service.video_models")
NOT_CONFIGURED = "no hosted video model is configured"


def hosted_prompt(request: AiEditRequested, spec: VariantSpec) -> str:
    """What the model is asked: the user's words, for the inside of the box only."""
    variant = f" Variant {spec.index + 1}: {spec.description}." if spec.description else ""
    return (
        f"{request.prompt.strip()} This clip is only the region being edited"
        f" ({request.edit.operation}); keep its framing and motion.{variant}"
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
    def __init__(self, model: VideoModel | None, *, not_configured: str = NOT_CONFIGURED) -> None:
        self.model = model
        self.not_configured = not_configured

    @classmethod
    def from_config(cls, config: ProviderConfig) -> HostedVariantRenderer:
        try:
            return cls(video_model_from_config(config))
        except VendorError as error:  # named for OpenAI itself, but no key: say so per job
            return cls(None, not_configured=str(error))

    async def render(
        self, source: Path, request: AiEditRequested, spec: VariantSpec, video_out: Path,
        preview_out: Path,
    ) -> float:
        if self.model is None:
            raise VariantRenderFailed(
                f"{self.not_configured} (VIDEOGEN_VIDEO_MODEL in the media service)"
            )
        start, end, box = request.source_start_ts, request.source_end_ts, request.box
        with tempfile.TemporaryDirectory(prefix="vg-hosted-") as tmp:
            scratch = Path(tmp)
            try:
                reference = await box_reference(source, start, box, scratch / "box.jpg")
                generated = await self.model.generate(VideoRequest(
                    prompt=hosted_prompt(request, spec), seconds=end - start,
                    width=box.width, height=box.height, reference_jpeg=reference,
                ), scratch / "patch.mp4")
                log.info("hosted.generated", variant_id=str(spec.variant_id),
                         vendor_id=generated.vendor_id, model=generated.model)
                return await overlay_in_box(
                    source, generated.path, start, end, box, video_out, preview_out,
                    softness=spec.softness,
                )
            except VendorError as error:
                raise VariantRenderFailed(f"the hosted video model failed: {error}") from error
            except FfmpegFailed as failed:
                # Most likely the vendor's clip does not decode (an mp4 only in name).
                raise VariantRenderFailed(
                    f"the hosted model's clip could not be composited: {failed}"
                ) from failed

    async def aclose(self) -> None:
        if self.model is not None:
            await self.model.aclose()

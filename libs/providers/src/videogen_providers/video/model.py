"""What a hosted video model is to the editor: a prompt (and a reference frame) in, a short
clip out, or a typed failure that says why.

The clip is the inside of the box only; the media service composites it back over the
original (`videogen_media.region_edits.overlay_in_box`), so the model never touches the
pixels outside the box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import msgspec

from videogen_providers.vendor_errors import VendorError


class VideoRequest(msgspec.Struct, frozen=True, kw_only=True):
    prompt: str
    # How long the clip should be; the model rounds up to a length it offers.
    seconds: float
    # The box's size in source pixels: the model picks its nearest offered frame size.
    width: int
    height: int
    # A JPEG of the box's first frame, so the model starts from what is there.
    reference_jpeg: bytes | None = None


class GeneratedVideo(msgspec.Struct, frozen=True, kw_only=True):
    path: Path
    # The vendor's id for the generation (logged, and recorded in a variant's labels).
    vendor_id: str
    model: str


class VideoGenerationFailed(VendorError):
    """The model took the request but answered `failed`, or an answer made no sense."""


class VideoModel(Protocol):
    name: str
    model: str

    async def generate(self, request: VideoRequest, out: Path) -> GeneratedVideo:
        """Write the clip to `out` (mp4), or raise a VendorError subclass."""
        ...

    async def aclose(self) -> None: ...

"""A scene over footage or a picture (stock, upload, Manim): the frame and a headline plate.

The background is the media's first frame (a picture, or a video's first decoded frame)
scaled to cover the frame and darkened a little towards the top, where the headline sits
on a translucent plate with an accent bar, so it reads over any picture. The renderer
plays the media itself under the layers; this background is its poster and the still.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from videogen_text.scene_text import SceneText

from videogen_media import scene_shapes
from videogen_media.looks import HEADLINE
from videogen_media.scene_layouts import Sprite, Stage, text_sprite


def _first_frame(media: Path) -> Image.Image:
    try:
        with Image.open(media) as picture:
            return picture.convert("RGB")
    except UnidentifiedImageError:
        pass
    try:
        with av.open(str(media)) as container:
            for frame in container.decode(video=0):
                poster: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
                return poster.convert("RGB")
    except (av.error.FFmpegError, IndexError) as exc:
        raise ValueError(f"{media} is neither a picture nor a video: {exc}") from exc
    raise ValueError(f"{media} has no video frame")


def media_background(media: Path, size: tuple[int, int]) -> Image.Image:
    """The media's first frame covering `size`, with a soft dark gradient from the top."""
    if not media.is_file():
        raise ValueError(f"scene media {media} is not a file")
    frame = ImageOps.fit(_first_frame(media), size, Image.Resampling.BICUBIC)
    h = size[1]
    shade = np.linspace(0.55, 1.0, h, dtype=np.float32)[:, None, None]
    pixels = np.asarray(frame, np.float32) * np.minimum(1.0, shade + 0.2)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def media_sprites(stage: Stage, scene: SceneText) -> list[Sprite]:
    """The headline on a plate at the top left of the picture area."""
    width = round(stage.box_w * 0.7)
    head = text_sprite(
        stage, scene.headline, "headline", step=HEADLINE, width=width, lines=2, color="#FFFFFF"
    )
    if head is None:
        return []
    pad = round(stage.short * 0.025)
    bar_w = max(6, round(stage.short * 0.012))
    panel = scene_shapes.plate(
        (head.image.width + 3 * pad + bar_w, head.image.height + 2 * pad), 150
    )
    panel.alpha_composite(
        scene_shapes.rule(bar_w, head.image.height, stage.accent, 0.0), (pad, pad)
    )
    panel.alpha_composite(head.image, (2 * pad + bar_w, pad))
    return [Sprite(panel, "headline", x=stage.box[0], y=stage.box[1])]

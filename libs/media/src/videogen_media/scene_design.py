"""A sentence → its designed scene: background PNG, layer PNGs, the still.

The sentence is analysed (videogen_text.scene_text) for its layout, its icon matched in the
installed set (avoiding the icons of neighbouring scenes, `exclude_icons`), the layout's
card drawn in the video's look (scene_cards), and everything written under `workdir`:

    scene-003-background.png          the full frame, no text
    scene-003-1-icon.png …            each layer cropped to its content (the renderer's
                                      cost grows with layer area), placed by Layer.x/y
    scene-003-still.png               background + every layer, as the scene settles

Layers enter one after another (reading order) with the look's entrance, then drift a few
pixels a second. Deterministic: the same sentence, index, look and size give the same
files, so a resumed job that finds them may keep them. A media file (stock, upload,
Manim) becomes the background, with the headline on a plate over it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from PIL import Image
from videogen_text.scene_text import SceneText, analyse

from videogen_media.backdrops import draw_background, palette
from videogen_media.icons import IconMatch, IconSet
from videogen_media.looks import Look
from videogen_media.safe_area import TITLE_SAFE, Position, picture_area
from videogen_media.scene_cards import LAYOUTS
from videogen_media.scene_layouts import Sprite, Stage, mirror
from videogen_media.scene_media import media_background, media_sprites
from videogen_media.scene_types import ComposedScene, Entrance, Layer, VisualSource
from videogen_media.typeset import is_rtl

MIN_SIDE, MAX_SIDE = 64, 4096
PNG_LEVEL = 1  # fast zlib: a full frame PNG in ~15 ms instead of ~80 ms at the default


def _validate(text: str, index: int, count: int, size: tuple[int, int]) -> None:
    if not text or not text.strip():
        raise ValueError("a scene needs a sentence: the text is empty")
    if not 0 <= index < max(count, 1):
        raise ValueError(f"scene index {index} is outside 0..{count - 1}")
    if not all(isinstance(s, int) and MIN_SIDE <= s <= MAX_SIDE for s in size):
        raise ValueError(f"frame size {size!r} must be two integers {MIN_SIDE}..{MAX_SIDE}")


def _box(size: tuple[int, int], position: Position | None) -> tuple[int, int, int, int]:
    """The picture area inside the side margins, less a little room for the drift."""
    w, h = size
    area = picture_area(w, h, position)
    slack = round(min(w, h) * 0.02)
    margin = round(w * TITLE_SAFE * (0.8 if w > h else 1.0))
    return margin, area.top + slack, w - margin, area.bottom - slack


def _named(text: str, word: str) -> bool:
    """Whether `word` is written as a name in `text` (capitalised, not first)."""
    return any(w.strip(".,;:!?\"'").lower() == word and w[:1].isupper() for w in text.split()[1:])


def _found(icons: IconSet, text: str, limit: int, exclude: Collection[str]) -> list[IconMatch]:
    """Matches without logos for common words: a brand icon ("edge", "apple") only where the
    sentence writes the word as a name."""
    found = icons.match(text, limit=limit + 3, exclude=exclude)
    return [m for m in found if not m.icon.brand or _named(text, m.word)][:limit]


def _pick(icons: IconSet, text: str, headline: str, exclude: Collection[str]) -> IconMatch | None:
    """The best icon, preferring one for a word of the headline when it scores nearly as
    well (the headline is what the viewer reads)."""
    found = _found(icons, text, 4, exclude)
    if not found:
        return None
    heads = {w.lower().strip(".,") for w in headline.split()}
    near = [m for m in found if m.word in heads and m.score >= found[0].score * 0.8]
    return max(near, key=lambda m: m.score) if near else found[0]


def _matches(
    icons: IconSet, text: str, scene: SceneText, exclude: Collection[str]
) -> tuple[IconMatch, ...]:
    if scene.layout == "compare":
        out: list[IconMatch] = []
        for side in scene.items[:2]:
            taken = {*exclude, *(m.icon.id for m in out)}
            found = _found(icons, side, 1, taken)
            if not found:  # a side with no icon of its own: no icons on either side
                return ()
            out.append(found[0])
        return tuple(out)
    if scene.layout == "quote":
        return ()
    best = _pick(icons, text, scene.headline, exclude)
    return (best,) if best else ()


def _entrances(look: Look, sprites: list[Sprite], index: int) -> None:
    """Reading order, one after another; the visual pops or rises, text enters the look's way."""
    step = look.enter_s * 0.55
    at = 0.15
    for sprite in sprites:
        visual = sprite.name in ("icon", "figure", "left", "right", "versus", "quote-mark")
        enter: Entrance = look.entrance
        if visual:
            enter = "pop" if look.entrance in ("pop", "slide_left") else "rise"
        if look.entrance == "slide_left" and sprite.name == "right":
            enter = "slide_right"
        sprite.enter, sprite.enter_at = enter, round(at, 3)
        # A slow drift, each layer its own way, so nothing sits still (a few px a second).
        # Visuals drift up, away from the caption band below the picture area, and text
        # sideways: over a sentence-long scene the drift never carries a layer into them.
        sign = 1 if (index + len(sprite.name)) % 2 else -1
        sprite.drift = (1.0 * sign, -2.0) if visual else (2.0 * sign, 0.0)
        at += step if not sprite.name.startswith("item-") else step * 1.6


def _write(image: Image.Image, path: Path) -> Path:
    image.save(path, compress_level=PNG_LEVEL)
    return path


def compose_scene(
    text: str,
    index: int,
    count: int,
    look: Look,
    size: tuple[int, int],
    workdir: Path,
    *,
    icons: IconSet,
    exclude_icons: Collection[str] = (),
    media: Path | None = None,
    media_source: VisualSource | None = None,
    caption_position: Position | None = None,
) -> ComposedScene:
    """Design scene `index` of `count` for `text` and write its PNGs under `workdir`,
    clear of the caption band at `caption_position` (None: the frame's default)."""
    _validate(text, index, count, size)
    workdir.mkdir(parents=True, exist_ok=True)
    scene = analyse(text, first=index == 0)
    _top, bottom, accent = palette(look, index)
    matches = () if media else _matches(icons, text, scene, exclude_icons)
    if scene.layout == "icon" and not matches:
        scene = replace(scene, layout="type")
    stage = Stage(
        look, accent, bottom, index, size[0], size[1], _box(size, caption_position), icons, matches
    )
    if media is not None:
        background = media_background(media, size)
        sprites = media_sprites(stage, scene)
        layout, source = "media", media_source or "upload"
    else:
        background = draw_background(look, index, size)
        sprites = LAYOUTS[scene.layout](stage, scene)
        if is_rtl(scene.headline):
            sprites = mirror(sprites, stage.box)
        layout, source = scene.layout, "icon" if matches else "type"
    _entrances(look, sprites, index)
    stem = f"scene-{index:03d}"
    still = background.convert("RGBA")
    layers: list[Layer] = []
    for number, sprite in enumerate(sprites, start=1):
        path = _write(sprite.image, workdir / f"{stem}-{number}-{sprite.name}.png")
        still.alpha_composite(sprite.image, (sprite.x, sprite.y))
        layers.append(
            Layer(
                path, sprite.x, sprite.y, sprite.enter, sprite.enter_at, look.enter_s, sprite.drift
            )
        )
    return ComposedScene(
        background=_write(background, workdir / f"{stem}-background.png"),
        layers=tuple(layers),
        still=_write(still.convert("RGB"), workdir / f"{stem}-still.png"),
        layout=layout,
        source=source,
        icons=tuple(m.icon.id for m in matches),
        icon_tags=tuple(m.tag for m in matches),
        media=media,
        keywords=scene.keywords,
    )

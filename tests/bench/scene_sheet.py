"""Compose a paragraph's scenes in every look and frame shape, and tile the stills.

Run: .venv/bin/python tests/bench/scene_sheet.py [paragraph.txt] [out_dir]
Writes <out_dir>/sheet-<look>-<aspect>.png (one tile per sentence, captioned with the
layout) and prints the time per scene.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import cast

from PIL import Image, ImageDraw
from videogen_contracts.media.events import VisualStyle
from videogen_media.icons import IconSet
from videogen_media.looks import look_for
from videogen_media.scene_design import compose_scene
from videogen_media.scene_types import ComposedScene
from videogen_text.segmentation import split_sentences

HONEYBEES = (
    "Honeybees dance to tell each other where the flowers are. "
    "The angle of the dance points toward the food, measured from the sun. "
    "A strong colony can hold 60,000 bees in the height of summer. "
    "Foragers gather nectar, pollen, water and resin for the hive. "
    "Queen versus worker: one lays the eggs, the other does everything else. "
    "“The bee is more honoured than other animals, because she labours for others,” "
    "wrote John Chrysostom."
)
SIZES = {"16x9": (1280, 720), "9x16": (720, 1280), "1x1": (720, 720)}


def main() -> None:
    text = Path(sys.argv[1]).read_text() if len(sys.argv) > 1 and sys.argv[1] != "-" else HONEYBEES
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="sheet-"))
    looks = (
        sys.argv[3].split(",") if len(sys.argv) > 3 else ["clean", "bold", "documentary", "playful"]
    )
    shapes = sys.argv[4].split(",") if len(sys.argv) > 4 else list(SIZES)
    sentences = split_sentences(text)
    icons = IconSet.installed()
    for name in looks:
        look = look_for(cast(VisualStyle, name))
        for aspect in shapes:
            size = SIZES[aspect]
            work = out / f"{name}-{aspect}"
            started, cpu = time.perf_counter(), time.process_time()
            stills: list[tuple[ComposedScene, Image.Image]] = []
            used: list[str] = []
            for i, sentence in enumerate(sentences):
                scene = compose_scene(
                    sentence,
                    i,
                    len(sentences),
                    look,
                    size,
                    work,
                    icons=icons,
                    exclude_icons=used[-2:],
                )
                used.extend(scene.icons)
                stills.append((scene, Image.open(scene.still)))
            per = (time.perf_counter() - started) / len(sentences)
            per_cpu = (time.process_time() - cpu) / len(sentences)
            print(
                f"{name} {aspect}: {per * 1000:.0f} ms wall, {per_cpu * 1000:.0f} ms CPU per scene"
            )
            _sheet(stills, out / f"sheet-{name}-{aspect}.png")
    print(out)


def _sheet(stills: list[tuple[ComposedScene, Image.Image]], path: Path) -> None:
    cols = 3
    tw = 640 if stills[0][1].width >= stills[0][1].height else 300
    th = round(tw * stills[0][1].height / stills[0][1].width)
    rows = (len(stills) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * (tw + 8), rows * (th + 30)), "#222222")
    draw = ImageDraw.Draw(sheet)
    for k, (scene, image) in enumerate(stills):
        x, y = (k % cols) * (tw + 8), (k // cols) * (th + 30)
        sheet.paste(image.resize((tw, th)), (x, y))
        draw.text(
            (x + 4, y + th + 6), f"{k}: {scene.layout} {','.join(scene.icons)}", fill="#FFFFFF"
        )
    sheet.save(path)


if __name__ == "__main__":
    main()

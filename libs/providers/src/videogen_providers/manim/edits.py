"""The offline writer's edits: a natural-language prompt turned into a block of code
appended to any scene's module, so it works on our templates and on a model's code alike.

The block does two things. It reassigns the style globals our templates read when the
scene runs (`PALETTE`, `BACKGROUND`: a module's globals are looked up at call time, so a
reassignment at the end of the file wins). And it subclasses `Scene{n}` under the same
name, wrapping `construct`, `play` and `wait`: background, zoom, an overlay or a coloured
border, and the pace of every animation. Blocks stack, so a second edit builds on the
first. Whatever the prompt, the rendered frames change (an unknown prompt restyles).
"""

from __future__ import annotations

import re

import msgspec

from videogen_providers.llm.prose import seeded

_VIVID = ["#FF5E5B", "#FFD23F", "#3BCEAC", "#4D9DE0", "#E15FED", "#FF9F1C"]
_PALETTES = {
    "red": ["#FF4D4D", "#FF8080", "#D62828", "#FFB3B3", "#F77F00"],
    "blue": ["#4D9DE0", "#7FC8F8", "#1B4F72", "#A9D6E5", "#3A86FF"],
    "green": ["#3BCEAC", "#83C167", "#2D6A4F", "#B7E4C7", "#52B788"],
    "purple": ["#9D4EDD", "#C77DFF", "#5A189A", "#E0AAFF", "#7B2CBF"],
    "orange": ["#FF9F1C", "#FFBF69", "#E85D04", "#FFD8A8", "#F48C06"],
    "yellow": ["#FFD23F", "#FFE66D", "#F4A261", "#FFF3B0", "#E9C46A"],
}
_BACKGROUNDS = {
    "red": "#2B0A0A", "blue": "#0A1A2F", "green": "#0B2418", "purple": "#1E0B2E",
    "orange": "#2A1505", "yellow": "#26210A",
}
_BLOCK = re.compile(r"^# ---- edit \d+ by the offline writer", re.MULTILINE)


class EditStyle(msgspec.Struct, frozen=True, kw_only=True):
    palette: list[str] | None = None
    background: str | None = None
    # An overlay over everything: (colour, opacity); darker or lighter frames.
    overlay: tuple[str, float] | None = None
    border: bool = False
    pace: float = 1.0
    zoom: float = 1.0


def style_of(prompt: str) -> EditStyle:
    words = prompt.lower()
    palette = background = None
    overlay: tuple[str, float] | None = None
    border = False
    for colour, shades in _PALETTES.items():
        if colour in words:
            palette, background = shades, _BACKGROUNDS[colour]
            break
    if palette is None and any(w in words for w in ("colo", "vivid", "vibrant", "engag", "fun")):
        palette, background, border = _VIVID, "#1B1035", True
    if any(w in words for w in ("dark", "dim", "night")):
        overlay = ("#000000", 0.4)
    elif any(w in words for w in ("bright", "light", "vivid")):
        overlay = ("#FFFFFF", 0.12)
    pace = 1.4 if "slow" in words else 0.7 if any(w in words for w in ("fast", "quick")) else 1.0
    zoom = 1.3 if any(w in words for w in ("bigger", "larger", "zoom", "big")) else (
        0.8 if "smaller" in words else 1.0
    )
    style = EditStyle(
        palette=palette, background=background, overlay=overlay, border=border, pace=pace,
        zoom=zoom,
    )
    if style == EditStyle():
        # Nothing we know how to do: a fresh palette and border, so the edit still shows.
        rng = seeded("manim-edit", prompt)
        shades = list(_PALETTES.values())[rng.randrange(len(_PALETTES))]
        style = EditStyle(palette=shades, background="#14142B", border=True)
    return style


def edited_code(code: str, prompt: str, scene_number: int) -> str:
    """`code` with one more edit block: class `Scene{n}` re-declared over the last one."""
    index = len(_BLOCK.findall(code)) + 1
    style = style_of(prompt)
    base = f"_Scene{scene_number}BeforeEdit{index}"
    lines = [
        "", "", "",
        f"# ---- edit {index} by the offline writer: {_comment(prompt)} ----",
    ]
    if style.palette is not None:
        lines.append(f"PALETTE = {style.palette!r}")
    if style.background is not None:
        lines.append(f"BACKGROUND = {style.background!r}")
    lines += [f"{base} = Scene{scene_number}", "", "",
              f"class Scene{scene_number}({base}):", "    def construct(self):"]
    lines += _construct_lines(style)
    lines.append("        super().construct()")
    if style.pace != 1.0:
        lines += _pace_lines(style.pace)
    return code.rstrip() + "\n".join(lines) + "\n"


def _construct_lines(style: EditStyle) -> list[str]:
    lines = []
    if style.background is not None:
        lines.append(f"        self.camera.background_color = ManimColor({style.background!r})")
    if style.zoom != 1.0:
        lines += [
            f"        self.camera.frame_width /= {style.zoom}",
            f"        self.camera.frame_height /= {style.zoom}",
        ]
    if style.border:
        lines += [
            "        border = Rectangle(width=config.frame_width - 0.2,",
            "                           height=config.frame_height - 0.2, stroke_width=14)",
            f"        border.set_color_by_gradient(*{(style.palette or _VIVID)!r})",
            "        self.add(border.set_z_index(900))",
        ]
    if style.overlay is not None:
        colour, opacity = style.overlay
        lines += [
            f"        veil = FullScreenRectangle(fill_color={colour!r}, fill_opacity={opacity},",
            "                                   stroke_width=0)",
            "        self.add(veil.set_z_index(1000))",
        ]
    return lines


def _pace_lines(pace: float) -> list[str]:
    return [
        "",
        "    def play(self, *animations, **kwargs):",
        "        longest = max([getattr(a, 'run_time', 1.0) for a in animations] or [1.0])",
        f"        kwargs['run_time'] = kwargs.get('run_time', longest) * {pace}",
        "        super().play(*animations, **kwargs)",
        "",
        "    def wait(self, duration=1.0, *args, **kwargs):",
        f"        super().wait(duration * {pace}, *args, **kwargs)",
    ]


def _comment(prompt: str) -> str:
    return " ".join(prompt.split())[:80]

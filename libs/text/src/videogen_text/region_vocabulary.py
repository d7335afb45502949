"""The words the region-edit prompt parser knows: operations and their synonyms, colour
names, sprite shapes and motions. Phrases are matched on whole words of the lower-cased
prompt (hyphens read as spaces), so "black-and-white" and "black and white" are one.

Order matters in `OPERATION_PHRASES`: the first operation with a phrase in the prompt
wins, so the more specific phrases come first ("remove the colour" is grayscale, not
remove; "black out" is censor, "black and white" grayscale; "light up" brighten).
"""

from __future__ import annotations

OPERATION_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("grayscale", (
        "black and white", "b&w", "b w", "grayscale", "greyscale", "gray scale", "grey scale",
        "monochrome", "desaturate", "desaturated", "remove the colour", "remove the color",
        "remove colour", "remove color", "no colour", "no color", "colourless", "colorless",
        "drain the colour", "drain the color", "gray out", "grey out",
    )),
    ("spotlight", ("spotlight", "spot light", "focus on", "draw attention to")),
    ("censor", ("censor", "censored", "redact", "redacted", "black out", "blackout", "bar out")),
    ("pixelate", (
        "pixelate", "pixellate", "pixelize", "pixelise", "pixelated", "pixels", "mosaic",
    )),
    ("blur", (
        "blur", "blurry", "blurred", "blurring", "soften", "defocus", "out of focus", "smudge",
        "obscure", "anonymize", "anonymise", "hide", "fuzzy", "haze",
    )),
    ("remove", (
        "remove", "erase", "delete", "delogo", "get rid of", "take out", "inpaint", "wipe out",
        "wipe", "clean up", "make disappear", "vanish",
    )),
    ("highlight", ("highlight", "emphasize", "emphasise", "accent", "glow", "make it pop")),
    ("brighten", (
        "brighten", "brighter", "lighten", "lighter", "light up", "illuminate", "more light",
        "bright", "exposure up",
    )),
    ("darken", ("darken", "darker", "dim", "dimmer", "shade", "shadow", "dark", "less light")),
    ("tint", (
        "tint", "recolor", "recolour", "colorize", "colourise", "colorise", "colourize",
        "color it", "colour it", "paint it", "paint", "turn it", "make it", "turn",
    )),
)

TEXT_VERBS = ("add text", "add the text", "add a caption", "add caption", "add a title",
              "add title", "add label", "add a label", "write", "caption", "text", "title",
              "label", "say", "type")
SHAPE_VERBS = ("add", "draw", "place", "put", "insert", "show", "drop in")

# Sprite shapes the region editor draws, by the nouns that ask for them.
SHAPE_NOUNS: dict[str, str] = {
    "balloon": "balloon", "balloons": "balloon",
    "ball": "circle", "circle": "circle", "dot": "circle", "bubble": "circle", "orb": "circle",
    "disc": "circle", "disk": "circle", "sun": "circle",
    # Not "box": "blur the box" names the region, not a sprite.
    "square": "square", "rectangle": "square", "cube": "square",
    "star": "star", "stars": "star", "sparkle": "star",
    "heart": "heart", "hearts": "heart",
    "triangle": "triangle", "arrow": "triangle",
}
SHAPES: tuple[str, ...] = tuple(dict.fromkeys(SHAPE_NOUNS.values()))

MOTION_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pulse", ("pulse", "pulsing", "pulses", "pulsate", "pulsating", "throb", "throbbing",
               "beat", "beating", "grow and shrink", "breathing")),
    ("up", ("up", "upward", "upwards", "rise", "rising", "rises", "ascend", "ascending",
            "float", "floating", "floats", "fly away")),
    ("down", ("down", "downward", "downwards", "fall", "falling", "falls", "sink", "sinking",
              "drop", "dropping", "descend", "descending")),
    ("left", ("left", "leftward", "leftwards", "to the left")),
    ("right", ("right", "rightward", "rightwards", "to the right")),
)

COLOURS: dict[str, str] = {
    "red": "#e02020", "crimson": "#dc143c", "maroon": "#800000", "orange": "#ff8c00",
    "amber": "#ffbf00", "yellow": "#ffd700", "gold": "#ffc125", "golden": "#ffc125",
    "lime": "#32cd32", "green": "#22aa22", "olive": "#808000", "teal": "#008080",
    "turquoise": "#40e0d0", "cyan": "#00bcd4", "aqua": "#00ffff", "blue": "#1e6bff",
    "navy": "#000080", "indigo": "#4b0082", "purple": "#8a2be2", "violet": "#9400d3",
    "lavender": "#b57edc", "magenta": "#ff00ff", "pink": "#ff69b4", "rose": "#ff007f",
    "brown": "#8b4513", "beige": "#f5f5dc", "white": "#ffffff", "black": "#000000",
    "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "sepia": "#a0784a",
    "warm": "#ff9a3c", "cool": "#3c9aff",
}
# "light blue", "dark red": a modifier mixes the colour towards white or black by this much.
COLOUR_MODIFIERS: dict[str, float] = {"light": 0.45, "pale": 0.6, "dark": -0.45, "deep": -0.3}

"""Offline visuals: keywords from each sentence, and a procedural background chosen from them.

Stand-in until videogen_media.visuals lands. The keywords are the doc's "video search
queries" (a stock provider searches with them). The palette follows the words where it
knows them ("ocean" → blues, "fire" → reds) and is otherwise derived from a hash of the
keywords, so the same sentence always looks the same and neighbouring scenes differ. The
style alternates, so consecutive scenes with similar colours still change visibly.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from uuid import UUID

from videogen_contracts.media.events import (
    ChosenVisual,
    FrameSettings,
    ProceduralSpec,
    SentenceText,
)

MAX_KEYWORDS = 3
STYLES = ("gradient", "radial")

# Letters, with an inner apostrophe (straight or U+2019) kept: "river's", "don't".
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", re.UNICODE)
_STOPWORDS = frozenset(
    """a an the and or but if then than so as at by for from in into of on onto to with
    without about above after again against all am are was were be been being before below
    between both can could did do does doing down during each few further had has have
    having he her here hers him his how i it its itself just me more most my no nor not now
    off once only other our out over own same she should some such that their them there
    these they this those through too under until up very we what when where which while
    who whom why will would you your yours also many much every one two three into upon
    last first next still even ever never always often like just well""".split()  # noqa: SIM905
)
# Hue (degrees) for words whose colour everyone agrees on.
_HUES = {
    "fire": 10, "lava": 12, "volcano": 15, "volcanoes": 15, "red": 0, "blood": 355,
    "sun": 45, "sunset": 25, "gold": 48, "desert": 38, "sand": 40, "autumn": 28,
    "forest": 125, "tree": 120, "trees": 120, "grass": 100, "leaf": 110, "spring": 95,
    "ocean": 205, "sea": 200, "water": 195, "river": 190, "rain": 210, "sky": 200,
    "ice": 185, "snow": 190, "winter": 200, "night": 235, "space": 250, "stars": 245,
    "city": 220, "stone": 30, "rock": 25, "mountain": 215, "mountains": 215, "flower": 320,
}


def keywords_of(text: str) -> list[str]:
    """Up to three content words, most frequent and longest first; CJK runs count whole."""
    words = [w.lower() for w in _WORD.findall(text)]
    content = [w for w in words if w not in _STOPWORDS and (len(w) > 2 or not w.isascii())]
    counts = Counter(content)
    ranked = sorted(counts, key=lambda w: (-counts[w], -len(w), content.index(w)))
    return [w[:24] for w in ranked[:MAX_KEYWORDS]] or [w[:24] for w in words[:1]]


def palette_for(keywords: Sequence[str]) -> list[str]:
    """Three colours: a mid tone, a lighter accent, and a dark base."""
    known = [_HUES[w] for w in keywords if w in _HUES]
    digest = hashlib.sha256(" ".join(keywords).encode()).digest()
    hue = known[0] if known else digest[0] * 360 // 256
    shift = 20 + digest[1] % 40
    return [
        _hex(hue, 0.55, 0.38),
        _hex((hue + shift) % 360, 0.65, 0.58),
        _hex(hue, 0.45, 0.12),
    ]


def _hex(hue_degrees: float, saturation: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue_degrees / 360, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))


def procedural_visual(sentence: SentenceText, index: int) -> ChosenVisual:
    keywords = keywords_of(sentence.text)
    seed = int.from_bytes(hashlib.sha256(sentence.sentence_id.bytes).digest()[:4], "big")
    return ChosenVisual(
        sentence_id=sentence.sentence_id,
        keywords=keywords,
        kind="procedural",
        spec=ProceduralSpec(
            style=STYLES[index % len(STYLES)], palette=palette_for(keywords), seed=seed
        ),
    )


class ProceduralVisuals:
    """The offline VisualChooser: one procedural background per sentence."""

    async def choose(
        self, project_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        return [procedural_visual(s, i) for i, s in enumerate(sentences)]

"""The offline VisualChooser: one procedural background per sentence (videogen_media.visuals).

The keywords (the doc's "video search queries"), the palette they pick and the gradient
style all come from the library; this adapter records them as the contract's
`ProceduralSpec`, which the export service draws. The background is a still: the export
service holds it for the scene (the renderer's cheapest picture).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from videogen_contracts.media.events import (
    ChosenVisual,
    FrameSettings,
    ProceduralSpec,
    SentenceText,
)
from videogen_media.visuals import background_for, keywords_of


def procedural_visual(sentence: SentenceText, index: int) -> ChosenVisual:
    background = background_for(sentence.text, index, motion=False)
    return ChosenVisual(
        sentence_id=sentence.sentence_id,
        keywords=keywords_of(sentence.text),
        kind="procedural",
        spec=ProceduralSpec(
            style=background.style, palette=list(background.palette), seed=background.seed
        ),
    )


class ProceduralVisuals:
    async def choose(
        self, project_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        return [procedural_visual(s, i) for i, s in enumerate(sentences)]

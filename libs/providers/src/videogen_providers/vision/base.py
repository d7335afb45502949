"""The vision scorer's port: two frames, the box and the prompt in; doc 002's fields out."""

from __future__ import annotations

from typing import Literal, Protocol

import msgspec

Basis = Literal["prompt", "original"]


class VisionRequest(msgspec.Struct, frozen=True, kw_only=True):
    prompt: str
    compare_to: Basis
    # JPEGs of the same moment: the original frame and the variant's.
    original_jpeg: bytes
    variant_jpeg: bytes
    # The box in pixels of those frames: x, y, width, height.
    box: tuple[int, int, int, int]
    # What the offline scorer measured (its `details`), so the model is grounded in figures.
    measured: str = ""


class VisionScore(msgspec.Struct, frozen=True, kw_only=True):
    """Doc 002's score fields, as the model wrote them (strings)."""

    overall_rating: str
    details: str
    fidelity_to_prompt: str
    visual_quality: str


class VisionScorer(Protocol):
    @property
    def name(self) -> str: ...

    async def score(self, request: VisionRequest) -> VisionScore: ...

    async def aclose(self) -> None: ...

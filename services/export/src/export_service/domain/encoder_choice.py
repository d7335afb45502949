"""The encoder's preset and crf for a render: the export service's choice, not the client's.

A request says what it wants in its client's terms (`effort`: fast | balanced | high;
`quality_level` 0..100); this picks the x264/x265 preset and the constant-quality crf
that give it. A request that says neither keeps its own `preset` and `crf` (the contract's
defaults, or what events written before these fields carried).
"""

from __future__ import annotations

from msgspec import UNSET
from videogen_contracts.project.production import EncodeEffort, RenderSettings

# effort → (preset, crf): a faster preset spends less time per frame; its crf keeps the
# quality it can reach in that time without wasting bits.
EFFORTS: dict[EncodeEffort, tuple[str, int]] = {
    "fast": ("ultrafast", 28),
    "balanced": ("veryfast", 23),
    "high": ("medium", 20),
}


def crf_for(quality_level: int) -> int:
    """quality_level 0..100 → crf 40..18 (75, Aura's default, is about x264's own 23)."""
    return round(40 - 0.22 * quality_level)


def encoder_choice(settings: RenderSettings) -> tuple[str, int]:
    """(preset, crf) for `settings`: its effort picks both, its quality level the crf."""
    preset, crf = settings.preset, settings.crf
    if settings.effort is not UNSET:
        preset, crf = EFFORTS[settings.effort]
    if settings.quality_level is not UNSET:
        crf = crf_for(settings.quality_level)
    return preset, crf

"""A colour grade as ffmpeg filters: the one translation previews and exports both use.

The grade's fields and neutral values are the editor contract's `ColorGrade`
(`videogen_contracts.media.editing`); this module only reads them, through `Grade`, so the
media library needs no dependency on the contracts. A neutral field adds no filter, and a
neutral grade adds none at all, so an ungraded picture goes through untouched.

- `eq` takes brightness (added to luma), contrast, saturation and gamma as they are.
- temperature in [-1, 1] is a `colortemperature` mixed in by |t|: towards 3000 K (warm,
  more red than blue) for t > 0, towards 12000 K (cool) for t < 0. Mixing rather than
  moving the kelvin keeps 0 exactly neutral (the filter at 6500 K is not quite identity).
- hue_shift is degrees of `hue`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

WARM_KELVIN = 3000
COOL_KELVIN = 12000
NEUTRAL_DIGEST = "none"


class Grade(Protocol):
    """What a grade has (ColorGrade fits): read-only floats, neutral by default."""

    @property
    def brightness(self) -> float: ...
    @property
    def contrast(self) -> float: ...
    @property
    def saturation(self) -> float: ...
    @property
    def temperature(self) -> float: ...
    @property
    def gamma(self) -> float: ...
    @property
    def hue_shift(self) -> float: ...


# One filter: its name and its options in a fixed order, as ffmpeg-python's
# `.filter(name, **options)` or a PyAV filter graph's `add(name, args)` take them.
FilterStep = tuple[str, dict[str, str]]


def _number(value: float) -> str:
    return f"{value:.6g}"


def _eq(grade: Grade) -> FilterStep | None:
    options = {
        name: _number(value)
        for name, value, neutral in (
            ("brightness", grade.brightness, 0.0), ("contrast", grade.contrast, 1.0),
            ("saturation", grade.saturation, 1.0), ("gamma", grade.gamma, 1.0),
        )
        if value != neutral
    }
    return ("eq", options) if options else None


def _temperature(grade: Grade) -> FilterStep | None:
    if grade.temperature == 0.0:
        return None
    kelvin = WARM_KELVIN if grade.temperature > 0 else COOL_KELVIN
    mix = min(1.0, abs(grade.temperature))
    return "colortemperature", {"temperature": str(kelvin), "mix": _number(mix)}


def _hue(grade: Grade) -> FilterStep | None:
    return ("hue", {"h": _number(grade.hue_shift)}) if grade.hue_shift != 0.0 else None


def grade_steps(grade: Grade | None) -> list[FilterStep]:
    """The filters of a grade, in order; none for no grade or a neutral one."""
    if grade is None:
        return []
    return [step for step in (_eq(grade), _temperature(grade), _hue(grade)) if step is not None]


def step_args(step: FilterStep) -> str:
    """One filter's options as ffmpeg writes them: `brightness=0.1:contrast=1.2`."""
    return ":".join(f"{key}={value}" for key, value in step[1].items())


def grade_filter(grade: Grade | None) -> str | None:
    """The grade as one `-vf` chain (`eq=…,colortemperature=…,hue=…`), or None if neutral."""
    steps = grade_steps(grade)
    return ",".join(f"{name}={step_args((name, options))}" for name, options in steps) or None


def grade_digest(grade: Grade | None) -> str:
    """A short name for what a grade does to a picture, for content-keyed caches: two
    grades that give the same filters share it, and every neutral grade is `none`."""
    chain = grade_filter(grade)
    return hashlib.sha256(chain.encode()).hexdigest()[:16] if chain else NEUTRAL_DIGEST

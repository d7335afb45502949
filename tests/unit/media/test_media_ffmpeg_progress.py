"""ffmpeg's `-progress` lines read as a fraction of the expected duration."""

from __future__ import annotations

import pytest
from videogen_media.ffmpeg import progress_fraction


@pytest.mark.parametrize(
    ("line", "fraction"),
    [
        ("out_time_us=1500000", 0.5),
        ("out_time_ms=3000000", 1.0),
        ("out_time_us=-9223372036854775807", 0.0),
        ("out_time_us=N/A", None),
        ("frame=12", None),
        ("progress=continue", None),
        ("progress=end", 1.0),
    ],
)
def test_progress_lines(line: str, fraction: float | None) -> None:
    assert progress_fraction(line, 3.0) == fraction

"""The limits of what the script service accepts, read by the service and the gateway."""

from __future__ import annotations

# The longest script a run or an outline is asked for, in minutes.
MINUTES_MAX = 180.0
# What a client may ask a section of an outline to change, in characters.
INSTRUCTIONS_MAX = 2_000
# The most sentences a client may ask a section's expansion to suggest.
EXPAND_MAX = 10

"""The limits of what the project service accepts, in one place.

The project domain enforces them; the gateway declares the same numbers in its request
shapes (msgspec `Meta`, so they appear in the OpenAPI). Field names and messages of a
refusal are the domain's; each surface only renames the field.
"""

from __future__ import annotations

# --- a project's metadata, and an Aura brief -----------------------------------------------
TOPIC_MAX = 500
DESCRIPTION_MAX = 5_000
# style, audience, goal, tone, owner, and a cast member's role and voice
SHORT_TEXT_MAX = 200
LANGUAGE_MAX = 35  # the longest BCP 47 tags in practical use fit
DURATION_MAX_MINUTES = 180.0

# --- a project's cast ---------------------------------------------------------------------
CAST_NAME_MAX = 200
CAST_DESCRIPTION_MAX = 2_000
BATCH_MAX = 100  # members added by one request
CAST_MAX = 200  # members of one cast

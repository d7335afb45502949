"""The limits of what the project service accepts, in one place.

The project domain enforces them; the gateway declares the same numbers in its request
shapes (msgspec `Meta`, so they appear in the OpenAPI) and never re-checks a rule. Field
names and messages of a refusal are the domain's; each surface only renames the field.
"""

from __future__ import annotations

from typing import Literal, get_args

# --- a project's metadata, and an Aura brief -----------------------------------------------
TOPIC_MAX = 500
DESCRIPTION_MAX = 5_000
# style, audience, goal, tone, owner, and a cast member's role and voice
SHORT_TEXT_MAX = 200
LANGUAGE_MAX = 35  # the longest BCP 47 tags in practical use fit
DURATION_MAX_MINUTES = 180.0

# --- voice and render settings (a job's specs and the installation's defaults) -------------
RATE_RANGE = (0.5, 2.0)
PITCH_RANGE = (0.5, 2.0)
PAUSE_MAX_MS = 5_000
NAME_MAX = 100  # a voice's or a model's name
Fps = Literal[24, 25, 30, 50, 60]
FPS_ALLOWED: tuple[int, ...] = get_args(Fps)
VIDEO_BITRATE_K = (100, 100_000)
AUDIO_BITRATE_K = (32, 512)
QUALITY_LEVEL_RANGE = (0, 100)

# --- the installation's settings ---------------------------------------------------------
PATH_MAX = 1_024
URL_MAX = 500
# A provider key as the client sends it (the gateway seals it; the service sees the token).
PROVIDER_KEY_MAX = 512

# Which codecs each container can carry (WebM takes only VP8/VP9/AV1 video).
CODECS_BY_CONTAINER: dict[str, tuple[str, ...]] = {"mp4": ("H264", "HEVC", "VP9"), "webm": ("VP9",)}


def codec_misfit(container: str, codec: str) -> str | None:
    """Why `container` cannot carry `codec` (case-insensitive), or None when it can."""
    fitting = CODECS_BY_CONTAINER.get(container.lower())
    if fitting is None or codec.upper() in fitting:
        return None
    return f"a {container.lower()} file cannot carry {codec.upper()}; use {' or '.join(fitting)}"


# --- a project's cast ---------------------------------------------------------------------
CAST_NAME_MAX = 200
CAST_DESCRIPTION_MAX = 2_000
BATCH_MAX = 100  # members added by one request
CAST_MAX = 200  # members of one cast


# --- a production's presentation (videogen_contracts.media.events.Presentation) -----------
LOUDNESS_LUFS_RANGE = (-23.0, -9.0)  # EBU R128 (-23) up to the loudest streaming target
CAPTION_SIZE_RANGE = (0.5, 2.0)  # a multiple of the frame's default caption size
CAPTION_OUTLINE_RANGE = (0, 8)  # pixels at 720p
CAPTION_MAX_WORDS_RANGE = (1, 12)
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"

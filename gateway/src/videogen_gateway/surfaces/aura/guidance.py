"""What to send instead, for each field of the Aura API a 400 can name.

Keyed by the field as the client named it (`renderSpec.fps`, `defaultVoice.rate`); the
numbers are the contracts' limits, the same ones the project domain enforces.
"""

from __future__ import annotations

from videogen_contracts.project import limits

DEFAULT = "Correct this field and send the request again."


def _text(field: str, limit: int) -> str:
    return f"Send {field} as non-empty text of at most {limit} characters."


def _one_of(values: tuple[object, ...], unit: str = "") -> str:
    return f"Use one of {', '.join(map(str, values))}{unit}."


_HOURS, _MINUTES = divmod(int(limits.DURATION_MAX_MINUTES), 60)
_RATE = "Use a rate from {:g} (half speed) to {:.1f} (double); 1.0 is normal.".format(
    *limits.RATE_RANGE
)
_PITCH = "Use a pitch from {:g} to {:.1f}; 1.0 is the voice's own.".format(*limits.PITCH_RANGE)
_CODEC = "Use H264, HEVC or VP9; a webm container needs VP9."
_FPS = _one_of(limits.FPS_ALLOWED, " frames per second")
_VIDEO_K = "Use {} to {} kbit/s.".format(*limits.VIDEO_BITRATE_K)
_AUDIO_K = "Use {} to {} kbit/s.".format(*limits.AUDIO_BITRATE_K)
_QUALITY_LEVEL = "Use a quality level from {} to {}.".format(*limits.QUALITY_LEVEL_RANGE)
_EFFORT = _one_of(("fast", "balanced", "high"))
_BOOL = "Send true or false."
_DEFAULT_PRESET = 'Send {"preset": "default", "inputs": {"topic": "..."}}.'
_KEY = (f"Paste the key as issued (at most {limits.PROVIDER_KEY_MAX} characters),"
        ' or "" to remove it.')

JOBS = {
    "body": "Send a JSON object: a brief, a preset, or settings.",
    "brief": 'Send {"brief": {"topic": "..."}}.',
    "brief.topic": _text("brief.topic", limits.TOPIC_MAX),
    "brief.audience": _text("brief.audience", limits.SHORT_TEXT_MAX),
    "brief.goal": _text("brief.goal", limits.SHORT_TEXT_MAX),
    "brief.tone": _text("brief.tone", limits.SHORT_TEXT_MAX),
    "brief.language": _text("brief.language", limits.LANGUAGE_MAX) + " It defaults to en.",
    "brief.aspect": _one_of(("Widescreen16x9", "Vertical9x16", "Square1x1")),
    "planSpec.targetDuration": f"Use hh:mm:ss between 00:00:01 and {_HOURS:02}:{_MINUTES:02}:00,"
    " e.g. 00:01:30.",
    "planSpec.pacing": _one_of(("Chill", "Conversational", "Fast")),
    "planSpec.density": _one_of(("Sparse", "Balanced", "Dense")),
    "planSpec.style": _text("planSpec.style", limits.SHORT_TEXT_MAX),
    "voiceSpec.voiceName": _text("voiceSpec.voiceName", limits.NAME_MAX),
    "voiceSpec.rate": _RATE,
    "voiceSpec.pitch": _PITCH,
    "voiceSpec.pause": f"Use one of Natural, Short, Long, Dramatic, or milliseconds from 0 to"
    f" {limits.PAUSE_MAX_MS}.",
    "renderSpec.res": _one_of(("360p", "480p", "720p", "1080p", "1440p", "2160p")),
    "renderSpec.container": "Use mp4 or webm.",
    "renderSpec.codec": _CODEC,
    "renderSpec.fps": _FPS,
    "renderSpec.videoBitrateK": _VIDEO_K,
    "renderSpec.audioBitrateK": _AUDIO_K,
    "renderSpec.qualityLevel": _QUALITY_LEVEL,
    "renderSpec.enableSceneCut": _BOOL,
    "renderSpec.quality": _EFFORT,
    "preset": _one_of(("default", "sample-hello-youtube")),
    "inputs": _DEFAULT_PRESET,
    "inputs.topic": _DEFAULT_PRESET,
    "options.quality": _EFFORT,
    "options.allowSkipUnavailable": _BOOL,
}

SETTINGS = {
    "defaultVoice.voiceName": f"Name a voice (1 to {limits.NAME_MAX} characters), e.g. joe-us.",
    "defaultVoice.rate": _RATE,
    "defaultVoice.pitch": _PITCH,
    "defaultVoice.pauseMs": f"Use a pause from 0 to {limits.PAUSE_MAX_MS} milliseconds.",
    "renderDefaults.res": "Use one of 480p, 720p, 1080p, 1440p, 2160p.",
    "renderDefaults.fps": _FPS,
    "renderDefaults.codec": _CODEC,
    "renderDefaults.container": "Use mp4 or webm.",
    "renderDefaults.videoBitrateK": _VIDEO_K,
    "renderDefaults.audioBitrateK": _AUDIO_K,
    "renderDefaults.qualityLevel": _QUALITY_LEVEL,
    "outputDirectory": "Give an absolute path the server can create and write to, "
    "or null for the default.",
    "openAiBaseUrl": "Give the http(s) URL of an OpenAI-compatible API, "
    "e.g. http://127.0.0.1:11434/v1 for Ollama, or null for OpenAI.",
    "openAiModel": f"Name a model the API lists (1 to {limits.NAME_MAX} characters),"
    " or null for the default.",
    "openAiApiKey": _KEY,
    "pexelsApiKey": _KEY,
}

_ALL = {**JOBS, **SETTINGS}


def guidance_for(field: str) -> str:
    """What to send instead for `field` (a generic hint for a field with no entry)."""
    return _ALL.get(field, DEFAULT)

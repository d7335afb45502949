"""RFC 7807 problems of Aura's endpoints, as doc 001 shows them, and their guidance.

`{type, title, status, detail, correlationId}` with `type` pointing at the code's entry in
docs/errors.md (`#E<status>`), plus `field` and `guidance` for a bad input, and `error`
(= detail) like every problem of this gateway. Fields are named as the client sent them
(`defaultVoice.rate`), whatever the service called them. Guidance says what to send
instead, keyed by that name; its numbers are the contracts' limits, the domain's too.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.project import limits
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import (
    PROBLEM_JSON,
    REJECTION_STATUS,
    Problem,
    on_unexpected,
    validation_field,
)

ERRORS_DOC = "docs/errors.md"

DEFAULT = "Correct this field and send the request again."


def _text(field: str, limit: int) -> str:
    return f"Send {field} as non-empty text of at most {limit} characters."


def _one_of(values: tuple[object, ...], unit: str = "") -> str:
    return f"Use one of {', '.join(map(str, values))}{unit}."


_HOURS, _MINUTES = divmod(int(limits.DURATION_MAX_MINUTES), 60)
_KEY = (f"Paste the key as issued (at most {limits.PROVIDER_KEY_MAX} characters),"
        ' or "" to remove it.')
# Given alike in a job's specs and in the settings' defaults.
_SPECS = {
    "rate": "Use a rate from {:g} (half speed) to {:.1f} (double); 1.0 is normal.".format(
        *limits.RATE_RANGE),
    "pitch": "Use a pitch from {:g} to {:.1f}; 1.0 is the voice's own.".format(
        *limits.PITCH_RANGE),
    "codec": "Use H264, HEVC or VP9; a webm container needs VP9.",
    "container": "Use mp4 or webm.",
    "fps": _one_of(limits.FPS_ALLOWED, " frames per second"),
    "videoBitrateK": "Use {} to {} kbit/s.".format(*limits.VIDEO_BITRATE_K),
    "audioBitrateK": "Use {} to {} kbit/s.".format(*limits.AUDIO_BITRATE_K),
    "qualityLevel": "Use a quality level from {} to {}.".format(*limits.QUALITY_LEVEL_RANGE),
}
_EFFORT, _BOOL = _one_of(("fast", "balanced", "high")), "Send true or false."
_DEFAULT_PRESET = 'Send {"preset": "default", "inputs": {"topic": "..."}}.'
_SHORT_TEXTS = ("brief.audience", "brief.goal", "brief.tone", "planSpec.style")

_GUIDANCE = {
    "body": "Send a JSON object: a brief, a preset, or settings.",
    "brief": 'Send {"brief": {"topic": "..."}}.',
    "brief.topic": _text("brief.topic", limits.TOPIC_MAX),
    **{field: _text(field, limits.SHORT_TEXT_MAX) for field in _SHORT_TEXTS},
    "brief.language": _text("brief.language", limits.LANGUAGE_MAX) + " It defaults to en.",
    "brief.aspect": _one_of(("Widescreen16x9", "Vertical9x16", "Square1x1")),
    "planSpec.targetDuration": f"Use hh:mm:ss between 00:00:01 and {_HOURS:02}:{_MINUTES:02}:00,"
    " e.g. 00:01:30.",
    "planSpec.pacing": _one_of(("Chill", "Conversational", "Fast")),
    "planSpec.density": _one_of(("Sparse", "Balanced", "Dense")),
    "voiceSpec.voiceName": _text("voiceSpec.voiceName", limits.NAME_MAX),
    "voiceSpec.pause": f"Use one of Natural, Short, Long, Dramatic, or milliseconds from 0 to"
    f" {limits.PAUSE_MAX_MS}.",
    "renderSpec.res": _one_of(("360p", "480p", "720p", "1080p", "1440p", "2160p")),
    "renderSpec.enableSceneCut": _BOOL,
    "renderSpec.quality": _EFFORT,
    "preset": _one_of(("default", "sample-hello-youtube")),
    "inputs": _DEFAULT_PRESET,
    "inputs.topic": _DEFAULT_PRESET,
    "options.quality": _EFFORT,
    "options.allowSkipUnavailable": _BOOL,
    **{f"voiceSpec.{f}": _SPECS[f] for f in ("rate", "pitch")},
    **{f"renderSpec.{f}": text for f, text in _SPECS.items() if f not in ("rate", "pitch")},
    # the settings
    "defaultVoice.voiceName": f"Name a voice (1 to {limits.NAME_MAX} characters), e.g. joe-us.",
    "defaultVoice.pauseMs": f"Use a pause from 0 to {limits.PAUSE_MAX_MS} milliseconds.",
    "renderDefaults.res": "Use one of 480p, 720p, 1080p, 1440p, 2160p.",
    **{f"defaultVoice.{f}": _SPECS[f] for f in ("rate", "pitch")},
    **{f"renderDefaults.{f}": text for f, text in _SPECS.items() if f not in ("rate", "pitch")},
    "outputDirectory": "Give an absolute path the server can create and write to, "
    "or null for the default.",
    "openAiBaseUrl": "Give the http(s) URL of an OpenAI-compatible API, "
    "e.g. http://127.0.0.1:11434/v1 for Ollama, or null for OpenAI.",
    "openAiModel": f"Name a model the API lists (1 to {limits.NAME_MAX} characters),"
    " or null for the default.",
    "openAiApiKey": _KEY,
    "pexelsApiKey": _KEY,
}


def guidance_for(field: str) -> str:
    """What to send instead for `field` (a generic hint for a field with no entry)."""
    return _GUIDANCE.get(field, DEFAULT)


_TITLES = {
    400: "Validation Error", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
    413: "Payload Too Large", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
    503: "Service Unavailable",
}

# The service's field paths → the names the client sent, where they differ by more than case.
_FIELD_NAMES = {
    "render_defaults.resolution": "renderDefaults.res",
    "openai_base_url": "openAiBaseUrl",
    "openai_model": "openAiModel",
    "openai_api_key": "openAiApiKey",
    "pexels_api_key": "pexelsApiKey",
    # a job's production, as POST /api/jobs named it
    "language": "brief.language",
    "target_duration_minutes": "planSpec.targetDuration",
    "brief.style": "planSpec.style",
    "brief.pacing": "planSpec.pacing",
    "brief.density": "planSpec.density",
    **dict.fromkeys(("render", "render.width", "render.height"), "renderSpec.res"),
    "voice.pause_ms": "voiceSpec.pause",
}
_GROUPS = {"render": "renderSpec", "voice": "voiceSpec"}


class AuraProblem(Problem, frozen=True, kw_only=True):
    guidance: str | None = None
    # A job's status when the request conflicts with it (cancel a finished job: 409).
    current_status: str | None = None


def _camel(name: str) -> str:
    """`pause_ms` → `pauseMs`."""
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def client_path(field: str | None) -> str | None:
    """A service's field path as the client named it: `render_defaults.resolution` →
    `renderDefaults.res`."""
    if not field:
        return None
    renamed = _FIELD_NAMES.get(field, field)
    group, _, rest = renamed.partition(".")
    if rest and group in _GROUPS:
        renamed = f"{_GROUPS[group]}.{rest}"
    return ".".join(_camel(part) for part in renamed.split("."))


def correlation_id() -> str:
    return current_correlation_id() or new_correlation_id()


def aura_problem(
    status: int, detail: str, *, field: str | None = None, guidance: str | None = None,
    current_status: str | None = None, headers: dict[str, str] | None = None,
) -> Response[bytes]:
    if field and guidance is None:
        guidance = guidance_for(field)
    body = AuraProblem(
        type=f"{ERRORS_DOC}#E{status}", status=status, detail=detail, error=detail,
        title=_TITLES.get(status, "Internal Server Error" if status >= 500 else "Error"),
        correlation_id=correlation_id(), field=field, guidance=guidance,
        current_status=current_status,
    )
    return Response(msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON,
                    headers=headers)


class SystemProblem(Exception):
    """An Aura problem raised on purpose (system endpoints and jobs alike)."""

    def __init__(self, status: int, detail: str, field: str | None = None, *,
                 guidance: str | None = None, current_status: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field
        self.guidance, self.current_status = guidance, current_status


def _on_refused(_: Request[Any, Any, Any], exc: CommandRefused) -> Response[bytes]:
    rejection = exc.rejection
    field, message = client_path(rejection.field), rejection.message
    if rejection.field and field:
        # The domain's message names its own field; the client knows it by another name.
        message = message.replace(rejection.field, field)
    return aura_problem(REJECTION_STATUS[rejection.code], message, field=field)


def _on_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    field, detail = validation_field(exc)
    return aura_problem(400, detail, field=field)


def _on_http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    return aura_problem(exc.status_code, exc.detail)


def _on_unavailable(_: Request[Any, Any, Any], exc: ServiceUnavailable) -> Response[bytes]:
    return aura_problem(503, f"the {exc.service} service is unavailable; try again")


def _on_system(_: Request[Any, Any, Any], exc: SystemProblem) -> Response[bytes]:
    return aura_problem(exc.status, exc.detail, field=exc.field, guidance=exc.guidance,
                        current_status=exc.current_status)


def _on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    on_unexpected(request, exc)  # logs it under the correlation id
    return aura_problem(500, "internal error; quote the correlation id when reporting it")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    CommandRefused: _on_refused,
    ValidationException: _on_validation,
    SystemProblem: _on_system,
    ServiceUnavailable: _on_unavailable,
    HTTPException: _on_http,
    Exception: _on_unexpected,
}

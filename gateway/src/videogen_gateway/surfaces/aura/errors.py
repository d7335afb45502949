"""RFC 7807 problems of Aura's system endpoints, as doc 001 shows them.

`{type, title, status, detail, correlationId}` with `type` pointing at the code's entry in
docs/errors.md (`#E<status>`), plus `field` and `guidance` for a bad input, and `error`
(= detail) like every problem of this gateway. Fields are named as the client sent them
(`defaultVoice.rate`), whatever the service called them.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from videogen_bus.rpc import ServiceUnavailable
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import PROBLEM_JSON, REJECTION_STATUS, on_unexpected, validation_field
from videogen_runtime.logs import current_correlation_id, new_correlation_id

ERRORS_DOC = "docs/errors.md"

_TITLES = {
    400: "Validation Error", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
    413: "Payload Too Large", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
    503: "Service Unavailable",
}

# The service's field paths → the names the client sent.
_FIELD_NAMES = {
    "render_defaults.resolution": "renderDefaults.res",
    "openai_base_url": "openAiBaseUrl",
    "openai_model": "openAiModel",
    "openai_api_key": "openAiApiKey",
    "pexels_api_key": "pexelsApiKey",
}

GUIDANCE = {
    "defaultVoice.voiceName": "Name a voice (1 to 100 characters), e.g. joe-us.",
    "defaultVoice.rate": "Use a rate from 0.5 (half speed) to 2.0 (double); 1.0 is normal.",
    "defaultVoice.pitch": "Use a pitch from 0.5 to 2.0; 1.0 is the voice's own.",
    "defaultVoice.pauseMs": "Use a pause from 0 to 5000 milliseconds.",
    "renderDefaults.res": "Use one of 480p, 720p, 1080p, 1440p, 2160p.",
    "renderDefaults.fps": "Use one of 24, 25, 30, 50, 60 frames per second.",
    "renderDefaults.codec": "Use H264, HEVC or VP9; a webm container needs VP9.",
    "renderDefaults.container": "Use mp4 or webm.",
    "renderDefaults.videoBitrateK": "Use 100 to 100000 kbit/s.",
    "renderDefaults.audioBitrateK": "Use 32 to 512 kbit/s.",
    "renderDefaults.qualityLevel": "Use a quality level from 0 to 100.",
    "outputDirectory": "Give an absolute path the server can create and write to, "
    "or null for the default.",
    "openAiBaseUrl": "Give the http(s) URL of an OpenAI-compatible API, "
    "e.g. http://127.0.0.1:11434/v1 for Ollama, or null for OpenAI.",
    "openAiModel": "Name a model the API lists (1 to 100 characters), or null for the default.",
    "openAiApiKey": "Paste the key as issued (at most 512 characters), or \"\" to remove it.",
    "pexelsApiKey": "Paste the key as issued (at most 512 characters), or \"\" to remove it.",
}


class AuraProblem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, rename="camel"):
    type: str
    title: str
    status: int
    detail: str
    correlation_id: str
    error: str
    field: str | None = None
    guidance: str | None = None
    # A job's status when the request conflicts with it (cancel a finished job: 409).
    current_status: str | None = None


def client_field(field: str | None) -> str | None:
    """`default_voice.pause_ms` → `defaultVoice.pauseMs`, with the few renamed ones."""
    if field is None:
        return None
    if field in _FIELD_NAMES:
        return _FIELD_NAMES[field]
    head, *rest = field.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def client_path(field: str | None) -> str | None:
    """A service's field path as the client named it: `render_defaults.resolution` →
    `renderDefaults.res`."""
    if not field:
        return None
    renamed = _FIELD_NAMES.get(field, field)
    return ".".join(client_field(part) or part for part in renamed.split("."))


def aura_problem(
    status: int,
    detail: str,
    *,
    field: str | None = None,
    guidance: str | None = None,
    current_status: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    if field and guidance is None:
        guidance = GUIDANCE.get(field, "Correct this field and send the request again.")
    body = AuraProblem(
        type=f"{ERRORS_DOC}#E{status}",
        title=_TITLES.get(status, "Internal Server Error" if status >= 500 else "Error"),
        status=status, detail=detail,
        correlation_id=current_correlation_id() or new_correlation_id(),
        error=detail, field=field, guidance=guidance, current_status=current_status,
    )
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


class SystemProblem(Exception):
    """An Aura problem raised on purpose (system endpoints and jobs alike)."""

    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        *,
        guidance: str | None = None,
        current_status: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field
        self.guidance, self.current_status = guidance, current_status


def _on_refused(_: Request[Any, Any, Any], exc: CommandRefused) -> Response[bytes]:
    rejection = exc.rejection
    field = client_path(rejection.field)
    return aura_problem(REJECTION_STATUS[rejection.code], rejection.message, field=field)


def _on_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    field, detail = validation_field(exc)
    return aura_problem(400, detail, field=field)


def _on_http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    return aura_problem(exc.status_code, exc.detail)


def _on_unavailable(_: Request[Any, Any, Any], exc: ServiceUnavailable) -> Response[bytes]:
    return aura_problem(503, f"the {exc.service} service is unavailable; try again")


def _on_system(_: Request[Any, Any, Any], exc: SystemProblem) -> Response[bytes]:
    return aura_problem(
        exc.status, exc.detail, field=exc.field, guidance=exc.guidance,
        current_status=exc.current_status,
    )


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

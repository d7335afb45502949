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
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_bus.rpc import ServiceUnavailable
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import PROBLEM_JSON, REJECTION_STATUS, on_unexpected, validation_field
from videogen_gateway.surfaces.aura.guidance import guidance_for

ERRORS_DOC = "docs/errors.md"

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
    "render": "renderSpec.res",
    "render.width": "renderSpec.res",
    "render.height": "renderSpec.res",
    "voice.pause_ms": "voiceSpec.pause",
}
_GROUPS = {"render": "renderSpec", "voice": "voiceSpec"}


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
        guidance = guidance_for(field)
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

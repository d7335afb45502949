"""One error shape for every surface: application/problem+json.

`{type, title, status, detail, correlationId, error}` (+ `field` when one input is to
blame). `error` repeats `detail` for the clients (text2video) that read `error`. Every
exception that can leave a handler is mapped here; anything unmapped is a 500 that is
logged, with the correlation id, and never shows its internals to the client.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.replies import CommandRejected, RejectionCode
from videogen_runtime.logs import current_correlation_id, new_correlation_id

log = structlog.get_logger("videogen_gateway.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://videogen.dev/problems/"

_TITLES: dict[int, tuple[str, str]] = {
    400: ("validation-error", "Validation Error"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
    500: ("internal-error", "Internal Server Error"),
    503: ("service-unavailable", "Service Unavailable"),
    504: ("timeout", "Gateway Timeout"),
}

REJECTION_STATUS: dict[RejectionCode, int] = {
    "not_found": 404,
    "conflict": 409,
    "invalid": 400,
    "too_large": 413,
    "unavailable": 503,
}


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, rename="camel"):
    type: str
    title: str
    status: int
    detail: str
    correlation_id: str
    error: str
    field: str | None = None


class ApiError(Exception):
    """An error a surface raises on purpose: it becomes exactly this problem."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


class Rejected(ApiError):
    """A command the service refused; `field` already in the surface's own naming."""

    def __init__(self, rejection: CommandRejected, field: str | None, detail: str) -> None:
        super().__init__(REJECTION_STATUS[rejection.code], detail, field)
        self.code = rejection.code


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI: the problem+json responses a handler may give (`responses=` of a route)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_JSON,
            description=_TITLES.get(status, ("", _phrase(status)))[1],
            generate_examples=False,
        )
        for status in statuses
    }


def problem(
    status: int, detail: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> Response[bytes]:
    slug, title = _TITLES.get(status, ("error", _phrase(status)))
    body = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        correlation_id=current_correlation_id() or new_correlation_id(),
        error=detail,
        field=field,
    )
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# Litestar's msgspec errors name a missing field only inside the message.
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def validation_field(exc: ValidationException) -> tuple[str | None, str]:
    """The first offending field of a validation error and a message naming it."""
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first: dict[str, Any] = extra[0]
        message = str(first.get("message", exc.detail))
        missing = _MISSING_FIELD.search(message)
        key = first.get("key")
        field = missing[1] if missing else (str(key) if key and key != "data" else None)
        return field, f"{field}: {message}" if field and field not in message else message
    return None, exc.detail


def on_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    field, detail = validation_field(exc)
    return problem(400, detail, field=field)


def on_api_error(_: Request[Any, Any, Any], exc: ApiError) -> Response[bytes]:
    return problem(exc.status, exc.detail, field=exc.field)


def on_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    if exc.status_code >= 500:
        log.error("request.failed", status=exc.status_code, detail=exc.detail)
    headers = {"Allow": exc.headers["Allow"]} if exc.headers and "Allow" in exc.headers else None
    return problem(exc.status_code, exc.detail, headers=headers)


def on_unavailable(_: Request[Any, Any, Any], exc: ServiceUnavailable) -> Response[bytes]:
    log.warning("service.unavailable", service=exc.service, reason=exc.reason)
    return problem(503, f"the {exc.service} service is unavailable; try again")


def on_unexpected(_: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # Process boundary: log the cause under the correlation id, tell the client only that.
    log.error("request.crashed", error=repr(exc), exc_info=exc)
    return problem(500, "internal error; quote the correlation id when reporting it")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ValidationException: on_validation,
    ApiError: on_api_error,
    ServiceUnavailable: on_unavailable,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}

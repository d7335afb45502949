"""The gateway's error shapes, and the mapping of every exception to one of them.

Every surface answers application/problem+json, `{type, title, status, detail,
correlationId, error}` (+ `field` when one input is to blame), but one: doc 004 says that
all its errors are exactly `{"error": "..."}`, so its paths answer that, as
application/json, unless the client's `Accept` asks for application/problem+json. Every
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
from litestar.types import ExceptionHandlersMap
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.replies import CommandRejected, RejectionCode

log = structlog.get_logger("videogen_gateway.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://videogen.dev/problems/"

# Doc 004's paths (text2video). Matched on the path, not on the route, because Litestar's
# own 404/405 for these paths (a wrong method, say) are raised before any route is chosen.
PLAIN_ERROR_PATHS = re.compile(r"^/api/v1/(generate|jobs|status|download)(/|$)")

_TITLES: dict[int, tuple[str, str]] = {
    400: ("validation-error", "Validation Error"), 401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"), 404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"), 409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
    429: ("too-many-requests", "Too Many Requests"),
    422: ("unprocessable-entity", "Unprocessable Entity"),
    500: ("internal-error", "Internal Server Error"),
    503: ("service-unavailable", "Service Unavailable"), 504: ("timeout", "Gateway Timeout"),
}

_PHRASES = {s.value: s.phrase for s in HTTPStatus}

REJECTION_STATUS: dict[RejectionCode, int] = {
    "not_found": 404, "conflict": 409, "invalid": 400, "too_large": 413, "unavailable": 503,
}


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, rename="camel"):
    type: str
    title: str
    status: int
    detail: str
    correlation_id: str
    error: str
    field: str | None = None


class PlainError(msgspec.Struct, frozen=True):
    """Doc 004's error body, exactly: `{"error": "..."}`."""

    error: str


class ApiError(Exception):
    """An error a surface raises on purpose: it becomes exactly this problem."""

    def __init__(
        self, status: int, detail: str, field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field
        # Sent with the error: `Retry-After` on a 429, `WWW-Authenticate` on a 401.
        self.headers = headers


class Rejected(ApiError):
    """A command the service refused; `field` already in the surface's own naming."""

    def __init__(self, rejection: CommandRejected, field: str | None, detail: str) -> None:
        super().__init__(REJECTION_STATUS[rejection.code], detail, field)
        self.code = rejection.code


def problem(
    status: int, detail: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> Response[bytes]:
    slug, title = _title(status)
    body = Problem(
        type=PROBLEM_BASE + slug, title=title, status=status, detail=detail,
        correlation_id=current_correlation_id() or new_correlation_id(), error=detail, field=field,
    )
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _title(status: int) -> tuple[str, str]:
    return _TITLES.get(status, ("error", _PHRASES.get(status, "Error")))


def title_of(status: int) -> str:
    return _title(status)[1]


def asks_for_problem(accept: str | None) -> bool:
    """Whether an `Accept` header names application/problem+json (with a q above 0)."""
    for item in (accept or "").split(","):
        media, *params = (part.strip().lower() for part in item.split(";"))
        refused = any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00") for p in params)
        if media == PROBLEM_JSON and not refused:
            return True
    return False


def plain_error(
    status: int, detail: str, *, headers: dict[str, str] | None = None
) -> Response[bytes]:
    return Response(
        msgspec.json.encode(PlainError(error=detail)), status_code=status,
        media_type="application/json", headers=headers,
    )


def error_response(
    request: Request[Any, Any, Any], status: int, detail: str, *, field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    """The error in the shape the request's surface documents (see the module doc)."""
    if PLAIN_ERROR_PATHS.match(request.url.path) and not asks_for_problem(
        request.headers.get("accept")
    ):
        return plain_error(status, detail, headers=headers)
    return problem(status, detail, field=field, headers=headers)


# Litestar's msgspec errors name a missing field only inside the message.
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def validation_field(exc: ValidationException) -> tuple[str | None, str]:
    """The first offending field of a validation error and a message naming it."""
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first: dict[str, Any] = extra[0]
        message = str(first.get("message", exc.detail))
        if message == "'data'" and first.get("source") == "body":
            # Litestar's words (a KeyError) for a route that needs a body and got none.
            return None, "the request needs a JSON body"
        missing = _MISSING_FIELD.search(message)
        key = first.get("key")
        field = missing[1] if missing else (str(key) if key and key != "data" else None)
        return field, f"{field}: {message}" if field and field not in message else message
    return None, exc.detail


def on_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    field, detail = validation_field(exc)
    return error_response(request, 400, detail, field=field)


def on_api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[bytes]:
    return error_response(request, exc.status, exc.detail, field=exc.field, headers=exc.headers)


def on_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    if exc.status_code >= 500:
        log.error("request.failed", status=exc.status_code, detail=exc.detail)
    # Litestar's own 405 names the methods under a lower-case "allow".
    allow = next((v for k, v in (exc.headers or {}).items() if k.lower() == "allow"), None)
    headers = {"Allow": allow} if allow else None
    return error_response(request, exc.status_code, exc.detail, headers=headers)


def on_unavailable(request: Request[Any, Any, Any], exc: ServiceUnavailable) -> Response[bytes]:
    log.warning("service.unavailable", service=exc.service, reason=exc.reason)
    return error_response(request, 503, f"the {exc.service} service is unavailable; try again")


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # Process boundary: log the cause under the correlation id, tell the client only that.
    log.error("request.crashed", error=repr(exc), exc_info=exc)
    return error_response(
        request, 500, "internal error; quote the correlation id when reporting it"
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ValidationException: on_validation, ApiError: on_api_error,
    ServiceUnavailable: on_unavailable, HTTPException: on_http_exception,
    Exception: on_unexpected,
}

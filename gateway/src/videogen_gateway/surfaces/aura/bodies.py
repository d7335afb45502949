"""Aura request bodies: decoded strictly into their Structs, and declared in the OpenAPI.

Litestar's own body parsing converts leniently (`"30"` becomes 30, `"true"` True), and
doc 001 answers those with a 400 naming the field, so the Aura routes read the raw body
and decode it here, strictly. `documented(T)` still puts T, with every `Meta` limit, in
the OpenAPI: Litestar describes the `data` parameter of a route's dependencies, and this
dependency is declared for that alone (no route asks for it, so it never runs).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, overload

import msgspec
from litestar.di import Provide
from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_gateway.surfaces.aura.guidance import guidance_for

T = TypeVar("T")

# msgspec: "<reason> - at `$.a.b`"; a missing or unknown field is named in the reason.
_AT = re.compile(r" - at `\$\.?([^`]*)`$")
_NAMED = re.compile(r"(?:missing required|unknown) field `([^`]+)`")
_INDEX = re.compile(r"\[\d+\]")


def problem_field(message: str) -> tuple[str | None, str]:
    """The field a msgspec validation message is about (`renderSpec.fps`), and its reason."""
    at = _AT.search(message)
    path = _INDEX.sub("", at[1]) if at else ""
    reason = message[: at.start()] if at else message
    named = _NAMED.search(reason)
    if named:
        path = f"{path}.{named[1]}" if path else named[1]
    if reason.startswith(("Invalid enum value", "Invalid value")):
        reason = "not one of the allowed values"  # msgspec would quote the value
    elif r"matching regex '\\S'" in reason:
        reason = "must not be blank"
    elif "matching regex" in reason:
        reason = "not in the accepted format"
    return path or None, reason


@overload
def converted(payload: Any, shape: type[T], *, field_of: dict[str, str] | None = None) -> T: ...
@overload
def converted(payload: Any, shape: Any, *, field_of: dict[str, str] | None = None) -> Any: ...
def converted(payload: Any, shape: Any, *, field_of: dict[str, str] | None = None) -> Any:
    """`payload` (decoded JSON) as `shape`, strictly; a 400 naming the field if it is not.

    `field_of` reports a part of a field as the field the client knows (the
    `renderSpec.res.height` of `{width, height}` is `renderSpec.res`).
    """
    try:
        return msgspec.convert(payload, shape)
    except msgspec.ValidationError as error:
        field, reason = problem_field(str(error))
        if field is not None:
            field = next((to for part, to in (field_of or {}).items()
                          if field.startswith(part)), field)
        raise SystemProblem(400, f"{field or 'body'}: {reason}", field=field,
                            guidance=guidance_for(field or "body")) from None


def json_of(raw: bytes) -> Any:
    """The body's JSON (None for an empty body); a 400 on `body` if it is not JSON."""
    if not raw.strip():
        return None
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        # msgspec's message may quote the body, which can hold a key: not echoed.
        raise SystemProblem(400, "the body is not valid JSON", field="body",
                            guidance=guidance_for("body")) from None


def documented(shape: object) -> dict[str, Provide]:
    """Route dependencies that make the OpenAPI describe `shape` as the request body."""

    def body(data: Any) -> None:
        raise AssertionError("declared for the OpenAPI only; no route depends on it")

    body.__annotations__ = {"data": shape, "return": None}
    return {"documented_body": Provide(body, sync_to_thread=False)}

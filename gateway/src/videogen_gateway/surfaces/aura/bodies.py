"""Aura request bodies: their field types, decoded strictly, and declared in the OpenAPI.

The field types carry the contracts' limits as msgspec `Meta`: decoding checks them and the
OpenAPI states them; the same numbers are the project domain's rules
(`videogen_contracts.project.limits`), which only the domain enforces across fields.

Litestar's own body parsing converts leniently (`"30"` becomes 30, `"true"` True), and
doc 001 answers those with a 400 naming the field, so the Aura routes read the raw body
and decode it here, strictly. `documented(T)` still puts T, with every `Meta` limit, in
the OpenAPI: Litestar describes the `data` parameter of a route's dependencies, and this
dependency is declared for that alone (no route asks for it, so it never runs).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar.di import Provide
from msgspec import Meta
from videogen_contracts.project import limits
from videogen_gateway.openapi import zero_bound
from videogen_gateway.surfaces.aura.errors import SystemProblem, guidance_for


def within(low: int | float, high: int | float) -> Meta:
    """`Meta(ge=low, le=high)`, a bound of 0 restated for the OpenAPI (see `zero_bound`)."""
    return Meta(ge=low, le=high, extra_json_schema=zero_bound(minimum=low) if low == 0 else None)


def text(limit: int) -> Meta:
    """Non-blank text of at most `limit` characters."""
    return Meta(min_length=1, max_length=limit, pattern=r"\S")


Topic = Annotated[str, text(limits.TOPIC_MAX)]
ShortText = Annotated[str, text(limits.SHORT_TEXT_MAX)]
Language = Annotated[str, text(limits.LANGUAGE_MAX),
                     Meta(description="a BCP 47 tag; en when left out")]
Name = Annotated[str, text(limits.NAME_MAX)]
Duration = Annotated[str, Meta(
    pattern=r"^\d{1,2}:[0-5]\d:[0-5]\d$",
    description=f"hh:mm:ss, more than 0 and at most {limits.DURATION_MAX_MINUTES:g} minutes",
)]
Rate = Annotated[float, within(*limits.RATE_RANGE)]
Pitch = Annotated[float, within(*limits.PITCH_RANGE)]
PauseMs = Annotated[int, within(0, limits.PAUSE_MAX_MS)]
VideoBitrateK = Annotated[int, within(*limits.VIDEO_BITRATE_K)]
AudioBitrateK = Annotated[int, within(*limits.AUDIO_BITRATE_K)]
QualityLevel = Annotated[int, within(*limits.QUALITY_LEVEL_RANGE)]
AbsolutePath = Annotated[str, Meta(pattern="^/", max_length=limits.PATH_MAX)]
HttpUrl = Annotated[str, Meta(pattern="^https?://[^/]", max_length=limits.URL_MAX)]
Key = Annotated[str, Meta(max_length=limits.PROVIDER_KEY_MAX)]

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


def converted(payload: Any, shape: Any) -> Any:
    """`payload` (decoded JSON) as `shape`, strictly; a 400 naming the field if it is not."""
    try:
        return msgspec.convert(payload, shape)
    except msgspec.ValidationError as error:
        field, reason = problem_field(str(error))
        if field and field.startswith("renderSpec.res."):
            field = "renderSpec.res"  # the client knows `{width, height}` as one field
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

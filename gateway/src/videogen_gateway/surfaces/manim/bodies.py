"""Doc 003's request bodies, decoded strictly, and every bad one a 422 naming its field.

The limits are the contracts' (`videogen_contracts.script.manim`), declared as msgspec
`Meta` so decoding checks them and the OpenAPI states them. A body is decoded by the
editor's `strict_body` (no string-to-number conversions) with doc 003's 422; an empty body
names the first field it lacks; a NUL character anywhere is refused, because PostgreSQL
cannot store one in text (it would be a 500 in the service that tried).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request
from msgspec import Meta
from videogen_contracts.script.manim import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_SCENES,
    MAX_CODE_CHARS,
    MAX_PROMPT_CHARS,
    MAX_RETRIES_LIMIT,
    MAX_SCENES,
    MAX_TEXT_CHARS,
    MIN_EDIT_PROMPT_CHARS,
    MIN_PROMPT_CHARS,
    MIN_SCENES,
    QUALITIES,
    RESOLUTIONS,
    Quality,
)
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.aura.bodies import text, within
from videogen_gateway.surfaces.editor.bodies import strict_body

Body = TypeVar("Body", bound=msgspec.Struct)
UNPROCESSABLE = 422
# Room for a prompt or code far over its limit, so it is a 422 naming the field rather
# than the server's anonymous 413; a body past this is that 413.
MAX_BODY = 8 * 1024 * 1024
MAX_NAME = 200

Topic = Annotated[str, text(MAX_PROMPT_CHARS)]
Description = Annotated[str, Meta(max_length=MAX_TEXT_CHARS)]
LongText = Annotated[str, Meta(max_length=MAX_TEXT_CHARS)]
Code = Annotated[str, text(MAX_CODE_CHARS)]
Name = Annotated[str, text(MAX_NAME)]
SessionId = Annotated[str, Meta(
    pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$",
    description="letters, digits and _ . : - (at most 128); a new one is made when left out",
)]
SceneNumber = Annotated[int, Meta(ge=1, le=1000)]
SceneCount = Annotated[int, within(MIN_SCENES, MAX_SCENES)]
Temperature = Annotated[float, within(0, 2)]
# What `parse_resolution` takes, as a pattern for the OpenAPI only (the route's own check
# gives the 422 its message): a named size, or even WIDTHxHEIGHT within 16..7680 x 16..4320.
_EVEN_16_TO_998 = r"1[68]|[2-9][02468]|[1-9][0-9][02468]"
_WIDTH = rf"{_EVEN_16_TO_998}|[1-6][0-9]{{2}}[02468]|7[0-5][0-9][02468]|76[0-7][02468]|7680"
_HEIGHT = rf"{_EVEN_16_TO_998}|[1-3][0-9]{{2}}[02468]|4[0-2][0-9][02468]|43[01][02468]|4320"
RESOLUTION_PATTERN = (rf"^({'|'.join(map(re.escape, RESOLUTIONS))}|({_WIDTH})x({_HEIGHT}))$")
Resolution = Annotated[str, Meta(
    max_length=32, description="`1080p` (240p..2160p, 4k) or `WIDTHxHEIGHT`",
    extra_json_schema={"pattern": RESOLUTION_PATTERN},
)]
Fps = Annotated[int, Meta(ge=1, le=120)]
Seconds = Annotated[float, Meta(gt=0, le=600)]

# What a client is told when a field has one of a few values.
HINTS = {"quality": f"must be one of {', '.join(QUALITIES)}"}


class PlanBody(msgspec.Struct, frozen=True, kw_only=True):
    topic: Topic
    description: Description = ""
    session_id: SessionId | None = None
    model: Name | None = None
    scene_count: SceneCount | None = None
    temperature: Temperature = 0.7


class ImplementBody(msgspec.Struct, frozen=True, kw_only=True):
    topic: Topic
    description: Description = ""
    # None: the session's latest plan.
    plan_xml: LongText | None = None
    session_id: SessionId | None = None
    model: Name | None = None


class CodeBody(msgspec.Struct, frozen=True, kw_only=True):
    topic: Topic
    scene_number: SceneNumber
    description: Description = ""
    # None: from the session's plan and implementations.
    scene_outline: LongText | None = None
    implementation: LongText | None = None
    session_id: SessionId | None = None
    model: Name | None = None


class RenderSceneBody(msgspec.Struct, frozen=True, kw_only=True):
    topic: Topic
    scene_number: SceneNumber
    # None: the scene's latest code version in the session.
    code: Code | None = None
    version: Annotated[int, Meta(ge=0, le=1_000_000)] = 0
    session_id: SessionId | None = None
    quality: Quality = "low"
    resolution: Resolution | None = None
    fps: Fps | None = None
    max_scene_duration: Seconds = 60.0
    narration: LongText | None = None
    narrate: bool = True
    voice: Name | None = None


class CombineBody(msgspec.Struct, frozen=True, kw_only=True):
    """`session_id`, or `topic` (its latest session); `scenes` None: every scene."""

    topic: Topic | None = None
    session_id: SessionId | None = None
    scenes: Annotated[list[SceneNumber], Meta(min_length=1, max_length=1000)] | None = None


class ModelConfigBody(msgspec.Struct, frozen=True, kw_only=True):
    planner_model: Name | None = None
    scene_model: Name | None = None
    helper_model: Name | None = None
    temperature: Temperature = 0.7
    max_tokens: Annotated[int, Meta(ge=1, le=1_000_000)] | None = None


class RenderConfigBody(msgspec.Struct, frozen=True, kw_only=True):
    quality: Quality = "low"
    resolution: Resolution | None = None
    fps: Fps | None = None
    max_scene_duration: Seconds = 60.0
    max_retries: Annotated[int, within(0, MAX_RETRIES_LIMIT)] = DEFAULT_MAX_RETRIES
    narration: bool = True
    voice: Name | None = None


class GenerateBody(msgspec.Struct, frozen=True, kw_only=True):
    project_id: Name
    content_prompt: Annotated[str, Meta(min_length=MIN_PROMPT_CHARS,
                                        max_length=MAX_PROMPT_CHARS, pattern=r"\S")]
    scene_count: SceneCount = DEFAULT_SCENES
    session_id: SessionId | None = None
    model_config: ModelConfigBody = msgspec.field(default_factory=ModelConfigBody)
    render_config: RenderConfigBody = msgspec.field(default_factory=RenderConfigBody)


class EditSceneBody(msgspec.Struct, frozen=True, kw_only=True):
    scene_id: Annotated[str, Meta(min_length=1, max_length=MAX_NAME)]
    project_id: Name
    edit_prompt: Annotated[str, Meta(min_length=MIN_EDIT_PROMPT_CHARS,
                                     max_length=MAX_PROMPT_CHARS, pattern=r"\S")]
    preserve_timing: bool = True


def one_of_required(schema: dict[str, Any], *fields: str) -> dict[str, Any]:
    """`schema` (a body's) asking for at least one of `fields` as a string: what a route
    checks itself (`session_id`, or else `topic`), stated for the OpenAPI."""
    return {**schema, "anyOf": [
        {"required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}}
        for name in fields]}


async def manim_body(request: Request[Any, Any, Any], shape: type[Body]) -> Body:
    """The body as `shape`, or a 422 naming the field to blame (module doc)."""
    if not (await request.body()).strip():
        first = next((name for name, default in _defaults(shape)
                      if default is msgspec.NODEFAULT), None)
        if first is None:  # every field is optional: no body is the empty object
            return shape()
        raise ApiError(UNPROCESSABLE, f"{first}: required (the request has no JSON body)",
                       first)
    try:
        body = await strict_body(request, shape, UNPROCESSABLE)
    except ApiError as error:
        hint = HINTS.get(error.field or "")
        if hint is not None:
            raise ApiError(error.status, f"{error.field}: {hint}", error.field) from None
        raise
    field = nul_field(body)
    if field is not None:
        raise ApiError(UNPROCESSABLE, f"{field}: must not contain NUL characters", field)
    return body


def _defaults(shape: type[msgspec.Struct]) -> Iterator[tuple[str, object]]:
    info = msgspec.structs.fields(shape)
    return ((f.name, f.default if f.default_factory is msgspec.NODEFAULT else None)
            for f in info)


def nul_field(value: object, path: str = "") -> str | None:
    """The first field (dotted path) of `value` whose text holds a NUL character."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, list):  # an item is blamed on its list's field
        return next(filter(None, (nul_field(item, path) for item in value)), None)
    if not isinstance(value, msgspec.Struct):
        return None
    named = (nul_field(getattr(value, f), f"{path}.{f}" if path else f)
             for f in value.__struct_fields__)
    return next(filter(None, named), None)

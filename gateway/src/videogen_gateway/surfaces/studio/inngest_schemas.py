"""The Inngest intake's JSON shapes: events in Inngest's form, and the answers."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import json_schema
from videogen_gateway.surfaces.studio.script_schemas import Minutes

T = TypeVar("T")


# An event id is kept in the ledger, a PostgreSQL text column, which cannot hold NUL.
EventId = Annotated[str, Meta(pattern=r"^[^\x00]*$", description="any text but NUL")]


class InngestEvent(msgspec.Struct, kw_only=True):
    name: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    id: EventId | None = None
    ts: int | None = None  # milliseconds since the epoch, as Inngest sends it
    user: dict[str, Any] | None = None
    v: str | None = None


class GenerateRequested(msgspec.Struct, kw_only=True, rename="camel"):
    project_id: str
    mode: Literal["auto", "from-outline"] = "auto"
    outline_id: UUID | None = None
    target_duration: Minutes | None = None


class OutlineRequested(msgspec.Struct, kw_only=True, rename="camel"):
    project_id: str
    target_duration: Minutes | None = None


class Trigger(msgspec.Struct, kw_only=True):
    event: str


class FunctionOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    triggers: list[Trigger]


FUNCTIONS: tuple[FunctionOut, ...] = (
    FunctionOut(id="videogen-generate-script", name="Generate script (section by section)",
                triggers=[Trigger(event="script/generate.requested")]),
    FunctionOut(id="videogen-generate-outline", name="Generate outline",
                triggers=[Trigger(event="script/outline.requested")]),
)
EVENT_NAMES = tuple(t.event for f in FUNCTIONS for t in f.triggers)
DATA_KINDS: dict[str, type[GenerateRequested] | type[OutlineRequested]] = {
    "script/generate.requested": GenerateRequested, "script/outline.requested": OutlineRequested,
}


def _event_schema() -> dict[str, Any]:
    """One event as the OpenAPI shows it: `events_of` reads the body itself, so that each
    refusal names the event and field (`events[1].name`) in the client's terms."""
    event = json_schema(InngestEvent)
    event["properties"]["name"] = {"enum": list(EVENT_NAMES)}
    event["required"] = ["name", "data"]  # every function needs its data's projectId
    event["properties"]["data"] = {
        "anyOf": [json_schema(GenerateRequested), json_schema(OutlineRequested)],
        "description": f"{EVENT_NAMES[0]}: {{projectId, mode?, outlineId?, targetDuration?}};"
        f" {EVENT_NAMES[1]}: {{projectId, targetDuration?}}",
    }
    return event


# One event, or a non-empty array of them (an executor's {event, events} call too).
INTAKE_SCHEMA: dict[str, Any] = {
    "anyOf": [_event_schema(), {"type": "array", "items": _event_schema(), "minItems": 1}]
}


class IntakeResult(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    id: str
    name: str
    # accepted: started now; duplicate: this id was taken before (nothing done again);
    # rejected (in a batch only): this event was refused, `error` says why.
    status: Literal["accepted", "duplicate", "rejected"]
    job_id: str | None = None
    outline_id: str | None = None
    error: str | None = None
    error_status: int | None = None


class IntakeOut(msgspec.Struct, kw_only=True):
    """Inngest's event API answer (`ids`, `status`), with what each event started."""

    ids: list[str]
    status: int
    results: list[IntakeResult]


class ServeInfo(msgspec.Struct, kw_only=True, rename="camel"):
    message: str
    functions_found: int
    functions: list[FunctionOut]
    mode: str
    has_event_key: bool
    has_signing_key: bool


def result(
    event_id: str, name: str, status: Literal["accepted", "duplicate"], started: dict[str, Any]
) -> IntakeResult:
    return IntakeResult(
        id=event_id, name=name, status=status, job_id=started.get("jobId"),
        outline_id=started.get("outlineId"),
    )


def refused(event: InngestEvent, index: int, error: ApiError) -> IntakeResult:
    return IntakeResult(
        id=event.id or f"events[{index}]", name=event.name, status="rejected",
        error=error.detail, error_status=error.status,
    )


def _listed(body: Any) -> tuple[list[Any], bool]:
    if isinstance(body, list):
        return body, False
    if isinstance(body, dict) and "name" not in body and isinstance(body.get("event"), dict):
        # An Inngest executor's call of a function: {event, events, steps, ctx}.
        events = body.get("events")
        return (events, False) if isinstance(events, list) and events else ([body["event"]], True)
    return [body], True


def events_of(raw: bytes) -> tuple[list[InngestEvent], bool]:
    """The events of a request body (one object, or an array) and whether it was one."""
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise ApiError(400, f"the body is not JSON: {error}") from None
    items, single = _listed(body)
    if not items:
        raise ApiError(400, "send at least one event", "events")
    events: list[InngestEvent] = []
    for index, item in enumerate(items):
        where = "" if single else f"events[{index}]."
        try:
            event = msgspec.convert(item, InngestEvent)
        except msgspec.ValidationError as error:
            raise ApiError(400, f"{where}{error}", _field(error, where)) from None
        if event.name not in EVENT_NAMES:
            raise ApiError(
                400, f"{where}name: no function takes {event.name!r}; known events:"
                f" {', '.join(EVENT_NAMES)}", f"{where}name",
            )
        events.append(event)
    # Then each event's data, so that a batch with one malformed event is refused whole,
    # as its schema says (an unknown name is still the first thing said); only what the
    # data names (a project that does not exist, say) is one event's refusal in its
    # batch's answer.
    for index, event in enumerate(events):
        data_as(event, DATA_KINDS[event.name], "" if single else f"events[{index}].")
    return events, single


def data_as(event: InngestEvent, kind: type[T], where: str = "") -> T:
    try:
        return msgspec.convert(event.data, kind)
    except msgspec.ValidationError as error:
        raise ApiError(400, f"{where}data: {error}", _field(error, f"{where}data.")) from None


def _field(error: msgspec.ValidationError, prefix: str) -> str | None:
    message = str(error)
    for marker in ("`$.", "field `"):
        if marker in message:
            name = message.split(marker, 1)[1].split("`", 1)[0]
            return f"{prefix}{name}"
    return prefix.rstrip(".") or None

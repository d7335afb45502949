"""What the OpenAPI document (`/schema`) says beyond the handlers' own types.

The error responses each route may give, in its surface's error shape (a route's own, and
those every route may give: `declare_common_errors`), and the links from an operation that
creates something to the operations that take its id (so a client, or a stateful fuzzer,
can follow an id from the answer that made it into the next request).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import spec
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.access.route_opts import is_public
from videogen_gateway.errors import (
    PLAIN_ERROR_PATHS,
    PROBLEM_JSON,
    PlainError,
    Problem,
    title_of,
)

# A router's `opt=` key: the Struct its errors are, when not the plain Problem (Aura's).
ERROR_BODY = "error_body"
# The 400 Litestar documents for a handler with inputs: its own ValidationException body,
# which no surface of ours answers (each maps validation errors to its own shape).
_LITESTAR_400 = HTTPStatus(400).description


def problems(
    *statuses: int, body: type[msgspec.Struct] = Problem, media_type: str = PROBLEM_JSON
) -> dict[int, ResponseSpec]:
    """The errors a handler may answer (a route's `responses=`): problem+json, every
    surface's shape but doc 004's."""
    return {
        status: ResponseSpec(data_container=body, media_type=media_type,
                             description=title_of(status), generate_examples=False)
        for status in statuses
    }


class ServerSentEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One message of an SSE feed, as a client's parser sees it (OpenAPI describes a
    `text/event-stream` body message by message)."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


def event_stream() -> dict[int, ResponseSpec]:
    """A route's `responses=` for an SSE feed (its 200 is `text/event-stream`, not JSON)."""
    return {200: ResponseSpec(data_container=ServerSentEvent, media_type="text/event-stream",
                              description="Server-sent events", generate_examples=False)}


def file_download(media_type: str) -> dict[int, ResponseSpec]:
    """A route's `responses=` for a file (downloads.file_response): the whole file, or the
    part an HTTP Range asked for. `media_type` may be a family (`video/*`)."""
    return {
        status: ResponseSpec(data_container=bytes, media_type=media_type,
                             description=description, generate_examples=False)
        for status, description in ((200, "The file"), (206, "The part of it a Range asked for"))
    }


def plain_errors(*statuses: int) -> dict[int, ResponseSpec]:
    """Doc 004's `{"error": "..."}` errors (problem+json only on `Accept` asking for it)."""
    return problems(*statuses, body=PlainError, media_type="application/json")


def id_link(operation_id: str, body: Any = None, **parameters: str) -> spec.Link:
    """A link to `operation_id`, its path parameters (and `body`, if any) taken from runtime
    expressions (`$response.body#/id`)."""
    return spec.Link(operation_id=operation_id, parameters=dict(parameters), request_body=body)


def zero_bound(**bounds: float) -> dict[str, Any]:
    """`Meta(extra_json_schema=...)` restating a zero bound (`exclusive_minimum=0.0`,
    `minimum=0`): Litestar's schema skips a constraint whose value is falsy, so `gt=0` and
    `ge=0` would vanish from /schema; it applies `extra` to the property as given."""
    return {"extra": bounds}


def json_schema(kind: Any) -> dict[str, Any]:
    """msgspec's JSON Schema of `kind`, its definitions inlined (none of ours is recursive)."""
    (schema,), definitions = msgspec.json.schema_components([kind], ref_template="{name}")

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"]])
            # `extra` is zero_bound's note to Litestar; msgspec has the bound already.
            return {key: inline(value) for key, value in node.items() if key != "extra"}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return dict(inline(schema))


def _admits_null(body: spec.RequestBody) -> bool:
    return any(
        getattr(option, "type", None) == spec.OpenAPIType.NULL
        for media in body.content.values() for option in getattr(media.schema, "one_of", None) or []
    )


def described(
    *, links: dict[str, spec.Link] | None = None, at: int = 201, body: dict[str, Any] | None = None
) -> type[spec.Operation]:
    """An `operation_class=`: the response `at` carries `links`; `body` is the JSON Schema
    of a request body the handler reads itself (so Litestar cannot infer it). A body that
    may be null (`JSONBody[X | None] = None`) may also be left out, which Litestar's
    `required: true` would deny."""

    @dataclass
    class DescribedOperation(spec.Operation):
        def __post_init__(self) -> None:
            response = (self.responses or {}).get(str(at))
            if links and isinstance(response, spec.OpenAPIResponse):
                response.links = {**(response.links or {}), **links}
            if body is not None:
                self.request_body = spec.RequestBody(
                    content={"application/json": spec.OpenAPIMediaType(schema=body)},  # type: ignore[arg-type]
                    required=True,
                )
            elif isinstance(self.request_body, spec.RequestBody) and _admits_null(
                self.request_body
            ):
                self.request_body.required = False

    return DescribedOperation


def errors_as(body: type[msgspec.Struct]) -> dict[str, Any]:
    """A router's `opt=`: its errors are `body` (a Problem with more fields), so the ones
    `declare_common_errors` adds to its operations say so."""
    return {ERROR_BODY: body}


# How a caller sends a credential (access/authn.py): an API key or a JWT as a bearer token,
# or an API key in X-API-Key.
SECURITY_SCHEMES = {
    "bearer": spec.SecurityScheme(type="http", scheme="bearer",
                                  description="An API key (vg_...) or a JWT"),
    "apiKey": spec.SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header",
                                  description="An API key (vg_...)"),
}


def declare_common_errors(app: Litestar, auth: AuthOptions) -> None:
    """Add to every operation of `/schema` the errors any route may give besides its own,
    in its surface's shape: the access guard's (429 a limit, 404 an id in the path that is
    not the caller's, and unless every request is the local user, 401 no or bad
    credentials and 403 a missing scope) on every route that is not PUBLIC, and 413 (a
    body over the limit) wherever a body is read; and put the surface's shape in place of
    the 400 Litestar documents by itself. With credentials, the document names how to send
    them (`securitySchemes`) on every route that is not PUBLIC: required, or optional when
    `none` is among the modes. Done once, on the built document, so a route added later
    is covered without anyone remembering to."""
    openapi = app.openapi_schema
    paths = openapi.paths or {}
    credentials = not auth.only_none
    if credentials:
        components = openapi.components
        components.security_schemes = {**(components.security_schemes or {}),
                                       **SECURITY_SCHEMES}
    # Any one scheme; `{}` (none at all) too when a request without credentials is let in.
    security: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
    security += [{}] if auth.open else []
    for route in app.routes:
        item = paths.get(route.path_format or "/")
        if item is None or not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if not isinstance(operation, spec.Operation):
                    continue
                guarded = not is_public(handler.opt)
                if credentials and guarded:
                    operation.security = security
                statuses = [429, *([404] if route.path_parameters else [])] if guarded else []
                if credentials and guarded:
                    statuses += [401, 403]
                _add_errors(operation, route.path_format, handler.opt, statuses)
            _close_body(handler, openapi)


def _close_body(handler: HTTPRouteHandler, openapi: spec.OpenAPI) -> None:
    """A body Struct that refuses unknown fields (`forbid_unknown_fields`) is documented
    so (`additionalProperties: false`), and so is every such Struct inside it (a body's
    `captions` object): Litestar's schema of them leaves that out."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None or data.annotation is None:
        return
    for kind in _closed_structs(msgspec.inspect.type_info(data.annotation)):
        schema = (openapi.components.schemas or {}).get(kind.__name__)
        if isinstance(schema, spec.Schema):
            schema.additional_properties = False


def _closed_structs(
    info: msgspec.inspect.Type, seen: set[type] | None = None
) -> Iterator[type[msgspec.Struct]]:
    """The Structs that refuse unknown fields in a type, at any depth (each once)."""
    seen = set() if seen is None else seen
    if isinstance(info, msgspec.inspect.StructType):
        if info.cls in seen:
            return
        seen.add(info.cls)
        if info.forbid_unknown_fields:
            yield info.cls
        for member in info.fields:
            yield from _closed_structs(member.type, seen)
    elif isinstance(info, msgspec.inspect.UnionType):
        for option in info.types:
            yield from _closed_structs(option, seen)
    elif isinstance(info, msgspec.inspect.CollectionType | msgspec.inspect.DictType):
        inner = info.value_type if isinstance(info, msgspec.inspect.DictType) else info.item_type
        yield from _closed_structs(inner, seen)


def _add_errors(
    operation: spec.Operation, path: str, opt: dict[str, Any], statuses: list[int]
) -> None:
    if operation.request_body is not None:
        statuses.append(413)
    responses = dict(operation.responses or {})
    body: type[msgspec.Struct] = opt.get(ERROR_BODY, Problem)
    media_type = PROBLEM_JSON
    if PLAIN_ERROR_PATHS.match(path):
        body, media_type = PlainError, "application/json"
    schema = json_schema(body)
    litestar_400 = responses.get("400")
    if isinstance(litestar_400, spec.OpenAPIResponse) and (
        litestar_400.description == _LITESTAR_400
    ):
        del responses["400"]
        statuses.append(400)
    for status in statuses:
        if str(status) not in responses:
            responses[str(status)] = spec.OpenAPIResponse(
                description=title_of(status),
                content={media_type: spec.OpenAPIMediaType(schema=schema)},  # type: ignore[arg-type]
            )
    operation.responses = dict(sorted(responses.items()))

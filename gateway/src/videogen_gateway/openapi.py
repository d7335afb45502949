"""What the OpenAPI document (`/schema`) says beyond the handlers' own types.

The error responses each route may give, in its surface's error shape, and the links from
an operation that creates something to the operations that take its id (so a client, or
a stateful fuzzer, can follow an id from the answer that made it into the next request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi import spec
from litestar.openapi.datastructures import ResponseSpec

from videogen_gateway.errors import PROBLEM_JSON, PlainError, Problem, title_of


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

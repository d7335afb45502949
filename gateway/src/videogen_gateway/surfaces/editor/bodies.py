"""Editor request bodies, decoded strictly.

Litestar's own body parsing converts leniently (`"1.5"` becomes 1.5), and issue 10 wants a
value of the wrong type answered with a 400 naming the field, so the editor routes read the
raw body and decode it here. The shape is still described in the OpenAPI by
`operation_class=described(at=200, body=json_schema(Shape))`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.aura.bodies import problem_field

Body = TypeVar("Body", bound=msgspec.Struct)


def _integral(value: Any) -> Any:
    """`value` with every integral number written as a float (`3.0`) as an int: JSON has
    one number type, and JSON Schema's `integer` (what /schema says) admits `3.0`."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    return value


async def strict_body(
    request: Request[Any, Any, Any], shape: type[Body], status: int = 400
) -> Body:
    """The body as `shape`, strictly (no string-to-number conversions); a 400 (or `status`:
    doc 003 answers 422) otherwise."""
    raw = await request.body()
    if not raw.strip():
        raise ApiError(status, "the request needs a JSON body")
    try:
        return msgspec.convert(_integral(msgspec.json.decode(raw)), type=shape)
    except msgspec.ValidationError as error:
        field, reason = problem_field(str(error))
        raise ApiError(status, f"{field}: {reason}" if field else reason, field) from None
    except msgspec.DecodeError:
        raise ApiError(status, "the body is not valid JSON") from None

"""An upload request's body as a stream of chunks: raw (PUT) or one field of a multipart POST.

Litestar's own form parsing (`request.form()`) spools every file part to a temporary file
of its own and only then hands it over, so a 4 GiB file would be written twice and the
request would wait for all of it. Here the multipart body is parsed as it arrives, with
the same push parser Litestar uses (`multipart`), and only the `file` field's bytes go on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.exceptions import InternalServerException
from multipart import (  # type: ignore[import-untyped]
    MultipartError,
    MultipartSegment,
    PushMultipartParser,
    parse_options_header,
)
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.editor.uploads import Interrupted

# A form with more parts than this is not an upload form.
MAX_PARTS = 16


async def request_body(request: Request[Any, Any, Any]) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive; `Interrupted` if the client goes away mid-body."""
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except InternalServerException as error:
        # Litestar's words for an `http.disconnect` before the body's end.
        raise Interrupted from error


def boundary_of(content_type: str | None) -> str:
    media, options = parse_options_header(content_type or "")
    if media != "multipart/form-data" or not options.get("boundary"):
        raise ApiError(415, "a POST upload is multipart/form-data with the file in the field"
                            " 'file'; or PUT the raw bytes", "Content-Type")
    return str(options["boundary"])


async def multipart_field(
    body: AsyncIterator[bytes], boundary: str, field: str = "file"
) -> AsyncIterator[bytes]:
    """The bytes of the form's first part named `field`, as they arrive; 400 without one."""
    found = inside = False
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            async for chunk in body:
                # Each chunk's events are consumed before the next chunk is parsed.
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        inside = event.name == field and not found
                        found = found or inside
                    elif event is None:
                        inside = False
                    elif inside:
                        yield bytes(event)
            parser.close()
    except MultipartError as error:
        raise ApiError(400, f"the multipart body is not valid: {error}", field) from None
    if not found:
        raise ApiError(400, f"the multipart form has no field {field!r} holding the file",
                       field)

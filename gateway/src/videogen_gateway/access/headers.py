"""The security headers of every HTTP response, and CORS (off unless origins are listed).

The headers are added around the whole ASGI app (like observability.py), not by a route
middleware, so that Litestar's own 404/405, the error handlers' problems and the file
downloads carry them too. A header a handler set itself is left as it is.
"""

from __future__ import annotations

from litestar.config.cors import CORSConfig
from litestar.types import Message, Scope, Send

# Our API answers JSON and media: nothing in it may run scripts, load anything, or be
# framed; a browser must not sniff a download into HTML.
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# The OpenAPI pages under /schema are HTML that loads its viewer's scripts and styles: they
# keep the framing rule only.
DOCS_CSP = b"frame-ancestors 'none'"
# The web studio's page (studio_web/): its own scripts, styles and API only, no inline code;
# video from the API and from blob: URLs, frame previews as blob:/data: images.
STUDIO_CSP = (
    b"default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:;"
    b" connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
CSP = b"content-security-policy"
# What a browser script of an allowed origin may read of our answers.
EXPOSED_HEADERS = [
    "X-Correlation-ID", "Retry-After", "Content-Range", "Accept-Ranges", "Content-Length",
    "Content-Disposition", "Location",
]


def cors_config(origins: tuple[str, ...]) -> CORSConfig | None:
    """CORS for exactly these origins; None (no CORS header on any answer) when empty."""
    if not origins:
        return None
    return CORSConfig(allow_origins=list(origins), expose_headers=EXPOSED_HEADERS)


class SecurityHeaders:
    """Adds the security headers to the response start of one HTTP request."""

    __slots__ = ("docs", "send", "studio")

    def __init__(self, scope: Scope, send: Send) -> None:
        path = str(scope.get("path", ""))
        self.docs = path.startswith("/schema")
        self.studio = path == "/" or path.startswith("/ui/")
        self.send = send

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {bytes(name).lower() for name, _ in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
            if CSP not in present:
                headers.append((CSP, self._csp(headers)))
            message["headers"] = headers
        await self.send(message)

    def _csp(self, headers: list[tuple[bytes, bytes]]) -> bytes:
        html = any(bytes(n).lower() == b"content-type" and bytes(v).startswith(b"text/html")
                   for n, v in headers)
        # Every answer under the studio's paths, not only its text/html ones: a 304 to a
        # revalidation has no Content-Type, and the browser updates the cached page's
        # headers from it, so the API's CSP there would block the page's own scripts.
        if self.studio:
            return STUDIO_CSP
        return DOCS_CSP if self.docs and html else API_CSP

"""The web studio's files as the real gateway serves them (studio_web/routes.py): the page at
`/` and its modules under `/ui/`, public even when the API needs a key, with their types,
`no-cache` + ETag (a 304 while unchanged), the studio's CSP (on the 304 too: the browser
keeps the page's headers from it), nothing outside static/, and out of the OpenAPI. The
pages themselves are driven in Chromium by tests/e2e/browser.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.access.headers import API_CSP, STUDIO_CSP
from videogen_gateway.runtime import GatewayOptions
from videogen_gateway.studio_web.routes import STATIC
from videogen_runtime.settings import Settings

from tests.integration.gateway.limits.test_http_edges import http, served

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)

# Every "./x.js" in the studio's modules: their imports, and app.js's route table (its pages
# are loaded with import() when first opened).
IMPORT = re.compile(r"""["']\./([\w.-]+\.js)["']""")


@pytest.fixture
async def port(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> AsyncIterator[int]:
    # API keys required: the studio's files must load before anyone has typed one.
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                        data_dir=tmp_path)
    options = GatewayOptions(resend_for=1.0, auth=AuthOptions(modes=("apikey",)))
    async with served(settings, options) as port:
        yield port


async def test_the_page_and_its_modules_are_served_publicly_with_types_etags_and_csp(
    port: int,
) -> None:
    async with http(port) as client:
        page = await client.get("/")
        again = await client.get("/", headers={"if-none-match": page.headers["etag"]})
        modules = {name: await client.get(f"/ui/{name}") for name in
                   ("app.js", "api.js", "sse.js", "studio.css", "favicon.svg")}
        me = await client.get("/api/me")
        api = await client.get("/api/health/live")
        schema = (await client.get("/schema/openapi.json")).json()
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-cache"
    assert re.fullmatch(r'"[0-9a-f]{32}"', page.headers["etag"])
    assert page.headers["content-security-policy"] == STUDIO_CSP.decode()
    assert '<script type="module" src="/ui/app.js"></script>' in page.text
    # Nothing inline: the CSP allows only the studio's own files.
    assert "<style" not in page.text
    assert " style=" not in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == page.headers["etag"]
    assert again.headers["content-security-policy"] == STUDIO_CSP.decode()
    types = {name: answer.headers["content-type"] for name, answer in modules.items()}
    assert types == {
        "app.js": "text/javascript; charset=utf-8", "api.js": "text/javascript; charset=utf-8",
        "sse.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8",
        "favicon.svg": "image/svg+xml",
    }
    assert all(answer.status_code == 200 for answer in modules.values())
    assert modules["app.js"].content == (STATIC / "app.js").read_bytes()
    # The API behind it still needs the key, and keeps its own CSP.
    assert me.status_code == 401
    assert api.status_code == 200
    assert api.headers["content-security-policy"] == API_CSP.decode()
    assert not [path for path in schema["paths"] if path == "/" or path.startswith("/ui")]


async def test_every_module_the_studio_imports_is_served(port: int) -> None:
    wanted = {name for source in STATIC.glob("*.js") for name in IMPORT.findall(source.read_text())}
    # editor.js is web-b's page (CLIENTS.md section 3): checked once it is in the tree.
    wanted -= set() if (STATIC / "editor.js").exists() else {"editor.js"}
    assert {"api.js", "sse.js", "home.js", "job.js", "script.js", "settings.js"} <= wanted
    async with http(port) as client:
        answers = {name: (await client.get(f"/ui/{name}")).status_code for name in wanted}
    assert answers == dict.fromkeys(wanted, 200)


async def test_nothing_outside_the_static_files_is_served_and_api_404s_keep_their_shape(
    port: int,
) -> None:
    async with http(port) as client:
        misses = [await client.get(path) for path in (
            "/ui/", "/ui/nothing.js", "/ui/.hidden.js", "/ui/%2e%2e/routes.py",
            "/ui/..%2Froutes.py", "/ui/index.py",
        )]
        studio = await client.get("/api/v1/no-such-route")
        text2video = await client.get("/api/v1/status/not-a-job")
    assert [m.status_code for m in misses] == [404] * len(misses)
    assert all(b"import" not in m.content for m in misses)
    # No catch-all: an unknown API path is still its surface's answer (401 here: no key).
    assert studio.headers["content-type"] == "application/problem+json"
    assert text2video.status_code == 401

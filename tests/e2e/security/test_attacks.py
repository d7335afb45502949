"""The issue's attacks that the matrix does not already make: another user on the studio
WebSocket, a signed upload URL and a query token reused, path traversal in path parameters
and file names, and SSRF through `video_url` and the provider base URL in the settings.

The matrix (test_matrix.py) covers another user's ids on every HTTP operation, SSE feeds
and downloads included; here each attack also has its positive control (A can, B cannot),
so that a refusal means the check, not a broken fixture.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.e2e.security.answers import error_shape, send
from tests.e2e.security.conftest import bearer
from tests.e2e.security.world import World, ok, until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


# --- the studio WebSocket -----------------------------------------------------------------


async def _socket_messages(url: str, key: str, project_id: str, into: list[dict[str, Any]],
                           subscribed: asyncio.Event) -> None:
    async with connect(url, additional_headers=bearer(key)) as ws:
        assert json.loads(await ws.recv())["type"] == "connected"
        await ws.send(json.dumps({"type": "subscribe", "projectId": project_id}))
        into.append(json.loads(await ws.recv()))
        subscribed.set()
        while True:
            into.append(json.loads(await ws.recv()))


async def _ended(messages: list[dict[str, Any]]) -> bool:
    return any(m["type"] in ("job_complete", "job_failed") for m in messages)


async def test_another_users_project_on_the_websocket_is_not_found_and_sends_nothing(
    secure_stack: Stack, keys: dict[str, dict[str, str]], client: httpx.AsyncClient,
) -> None:
    alice, bob = keys["alice"]["key"], keys["bob"]["key"]
    project = ok(await client.post("/api/v1/projects", json={"topic": "Tides"},
                                   headers=bearer(alice)), 201)
    url = secure_stack.base_url.replace("http://", "ws://") + "/api/v1/ws"
    seen: dict[str, list[dict[str, Any]]] = {"alice": [], "bob": [], "unknown": []}
    ready = {who: asyncio.Event() for who in seen}
    targets = {"alice": (alice, project["id"]), "bob": (bob, project["id"]),
               "unknown": (bob, str(uuid.uuid4()))}
    tasks = [asyncio.create_task(_socket_messages(url, key, pid, seen[who], ready[who]))
             for who, (key, pid) in targets.items()]
    try:
        async with asyncio.timeout(30):
            await asyncio.gather(*(event.wait() for event in ready.values()))
        run = await client.post(f"/api/v1/projects/{project['id']}/generate-script-short",
                                json={"targetDuration": 1}, headers=bearer(alice))
        assert run.status_code == 202, run.text
        await until(lambda: _ended(seen["alice"]), bool, within=120)
        await asyncio.sleep(1.0)  # anything meant for alice alone has had time to reach bob
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert seen["alice"][0]["type"] == "subscribed", seen["alice"]
    assert [m["type"] for m in seen["bob"]] == ["error"], seen["bob"]
    assert seen["bob"][0]["code"] == "not_found", seen["bob"]
    # The refusal reads exactly as for a project that does not exist.
    unknown_id = targets["unknown"][1]
    assert seen["bob"][0]["message"].replace(project["id"], "<id>") == \
        seen["unknown"][0]["message"].replace(unknown_id, "<id>")


async def test_a_websocket_without_credentials_is_refused(secure_stack: Stack) -> None:
    url = secure_stack.base_url.replace("http://", "ws://") + "/api/v1/ws"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url) as ws:
            await ws.recv()
    # The handshake is refused before it is accepted: the ASGI server answers it 403 when
    # the app closes a socket it never accepted, whatever the app's own status.
    assert refused.value.response.status_code in (401, 403), refused.value


# --- signed URLs and query tokens ------------------------------------------------------------


async def test_a_signed_upload_url_of_another_user_is_a_404(
    world: World, keys: dict[str, dict[str, str]], client: httpx.AsyncClient, small_clip: bytes,
) -> None:
    alice, bob = bearer(keys["alice"]["key"]), bearer(keys["bob"]["key"])
    ticket = ok(await client.post(f"/api/project/{world.editor_project}/upload", headers=alice,
                                  json={"file_name": "b.mp4", "content_type": "video/mp4"}))
    video = {"Content-Type": "video/mp4"}
    stolen = await send(client, "PUT", ticket["upload_url"], headers=bob | video,
                        body=small_clip)
    assert stolen.status == 404, stolen
    assert error_shape(stolen, problem=True) is None
    anonymous = await send(client, "PUT", ticket["upload_url"], headers=video, body=small_clip)
    assert anonymous.status == 401, anonymous
    # Nothing was stored by either: A's own PUT is the first.
    mine = ok(await client.put(ticket["upload_url"], content=small_clip, headers=alice | video))
    assert mine["asset_id"] == ticket["asset_id"]


async def test_a_query_token_opens_its_one_path_for_its_one_user(
    world: World, keys: dict[str, dict[str, str]], client: httpx.AsyncClient,
) -> None:
    """A browser's EventSource or <video> cannot send headers: a token minted for one path
    opens that path (GET), and nothing else."""
    alice = bearer(keys["alice"]["key"])
    feed = f"/api/jobs/{world.aura_job}/events"
    minted = ok(await client.post("/api/me/tokens", json={"path": feed, "ttl_seconds": 60},
                                  headers=alice), 201)
    token = minted["token"]
    opened = await send(client, "GET", f"{feed}?access_token={token}")
    assert opened.status == 200, opened
    assert opened.content_type.startswith("text/event-stream")
    for method, path in (("GET", f"/api/jobs/{world.aura_job}/download"),
                         ("GET", f"/api/jobs/{world.aura_job}"),
                         ("POST", f"/api/jobs/{world.aura_job}/cancel")):
        refused = await send(client, method, f"{path}?access_token={token}")
        assert refused.status == 401, refused


# --- path traversal --------------------------------------------------------------------------

TRAVERSALS = [
    "/api/v1/video/files/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/v1/video/files/manim/{session}/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/v1/video/files/manim/{session}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/api/editor/files/editor/{project}/frames/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/editor/files/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/jobs/..%2F..%2F..%2Fetc%2Fpasswd/download",
    "/api/v1/download/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/export/..%2F..%2Fetc%2Fpasswd/download",
    "/api/segment/..%2F..%2Fetc%2Fpasswd/media",
    "/api/variant/..%2F..%2Fetc%2Fpasswd/media",
]


@pytest.mark.parametrize("who", ["alice", "admin"])
async def test_path_traversal_in_path_parameters_finds_nothing(
    who: str, world: World, keys: dict[str, dict[str, str]], client: httpx.AsyncClient,
) -> None:
    """The admin passes the ownership guard, so the route itself must refuse."""
    session = world.manim_file_key.split("/")[1]
    for template in TRAVERSALS:
        path = template.format(session=session, project=world.editor_project)
        answer = await send(client, "GET", path, headers=bearer(keys[who]["key"]))
        assert answer.status in (400, 404), answer
        assert "root:" not in answer.text, answer


async def test_path_traversal_in_an_uploaded_file_name_stays_in_the_blob_store(
    secure_stack: Stack, world: World, keys: dict[str, dict[str, str]],
    client: httpx.AsyncClient, small_clip: bytes,
) -> None:
    alice = bearer(keys["alice"]["key"])
    name = f"evil-{uuid.uuid4().hex[:8]}.mp4"
    ticket = await client.post(f"/api/project/{world.editor_project}/upload", headers=alice,
                               json={"file_name": f"../../../../../../tmp/{name}",
                                     "content_type": "video/mp4"})
    if ticket.status_code == 200:
        stored = await client.put(ticket.json()["upload_url"], content=small_clip,
                                  headers=alice | {"Content-Type": "video/mp4"})
        assert stored.status_code in (200, 400), stored.text
    else:
        assert ticket.status_code == 400, ticket.text
    data_dir = Path(secure_stack.env["VIDEOGEN_DATA_DIR"])
    outside = [p for p in (Path("/tmp") / name, data_dir.parent / name, data_dir / name)
               if p.exists()]
    written = [p for p in data_dir.parent.rglob(name) if (data_dir / "blobs") not in p.parents]
    assert not outside, outside
    assert not written, written


# --- SSRF ------------------------------------------------------------------------------------


class Trap:
    """A local HTTP server that counts every request it gets: nothing should reach it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.port = 0


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    caught = Trap()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            caught.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_HEAD = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    caught.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield caught
    server.shutdown()
    server.server_close()


def _private_urls(port: int, path: str) -> list[str]:
    return [f"http://127.0.0.1:{port}{path}", f"http://localhost:{port}{path}",
            f"http://[::1]:{port}{path}", f"http://2130706433:{port}{path}",
            f"http://0x7f000001:{port}{path}", "http://169.254.169.254/latest/meta-data/"]


async def test_video_url_to_a_private_address_is_400_and_fetches_nothing(
    trap: Trap, keys: dict[str, dict[str, str]], client: httpx.AsyncClient,
) -> None:
    alice = bearer(keys["alice"]["key"])
    for url in _private_urls(trap.port, "/clip.mp4"):
        answer = await send(client, "POST", "/api/project", headers=alice,
                            body=json.dumps({"name": "ssrf", "video_url": url}).encode())
        assert answer.status == 400, answer
        assert answer.json().get("field") == "video_url", answer
    assert trap.hits == []


async def test_a_provider_base_url_outside_the_allowed_prefixes_is_400_and_fetches_nothing(
    trap: Trap, keys: dict[str, dict[str, str]], client: httpx.AsyncClient,
) -> None:
    admin = bearer(keys["admin"]["key"])
    before = ok(await client.get("/api/settings", headers=admin))
    for url in _private_urls(trap.port, "/v1"):
        answer = await send(client, "PUT", "/api/settings", headers=admin,
                            body=json.dumps({"openAiBaseUrl": url}).encode())
        assert answer.status == 400, answer
        assert "openAiBaseUrl" in answer.text, answer
    after = ok(await client.get("/api/settings", headers=admin))
    assert after["openAiBaseUrl"] == before["openAiBaseUrl"]
    checked = await send(client, "POST", "/api/providers/openai/validate", headers=admin)
    assert checked.status < 500, checked
    assert trap.hits == []

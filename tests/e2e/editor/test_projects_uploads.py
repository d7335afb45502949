"""Doc 002's projects, uploads, health and identity, end to end on the whole stack."""

from __future__ import annotations

import hashlib

import httpx

from .conftest import UploadClip, ok, problem


async def test_health_and_me(api: httpx.AsyncClient) -> None:
    assert ok(await api.get("/api/health"))["status"] == "ok"
    assert ok(await api.get("/api/me")) == {
        "id": "local", "name": "Local user", "email": "local@localhost", "auth": "none",
    }
    # Aura's probes are unchanged beside it.
    assert ok(await api.get("/api/health/live"))["status"] == "healthy"
    assert (await api.get("/api/health/ready")).status_code == 200


async def test_an_upload_is_stored_by_content(upload_clip: UploadClip, clip_bytes: bytes) -> None:
    done = await upload_clip()
    assert done.stored["sha256"] == hashlib.sha256(clip_bytes).hexdigest()
    assert done.stored["size_bytes"] == len(clip_bytes)
    assert done.stored["asset_id"] == done.asset_id


async def test_a_non_media_file_is_rejected_with_the_reason(upload_clip: UploadClip,
                                                            api: httpx.AsyncClient) -> None:
    project_id = ok(await api.post("/api/project", json={"name": "bad upload"}))["id"]
    ticket = ok(await api.post(f"/api/project/{project_id}/upload",
                               json={"file_name": "notes.mp4", "content_type": "video/mp4"}))
    put = await api.put(ticket["upload_url"], content=b"just some text, not a video\n" * 50)
    body = problem(put, 400, "file")
    assert "rejected" in body["detail"]

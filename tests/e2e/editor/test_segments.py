"""Doc 002's timeline edits on the whole stack, driven over HTTP as an editor client does:
split, trim, delete, every bad input of issue 10 a problem+json 4xx naming the field (and
nothing stored changed), unknown segments 404 before their body is read, a retried edit
with its Idempotency-Key stored once, and two concurrent edits of one segment: one
applies, the other is a 409 naming what the first did.

The clip is E4's fixture: 10 s of test pattern and tone, uploaded through the upload URL.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.editor.conftest import CLIP_SECONDS, UploadClip, ok, problem

SEGMENT_KEYS = {"id", "project_id", "start_ts", "end_ts", "source", "url", "variant_id",
                "order_index", "active"}


async def split(api: httpx.AsyncClient, segment: str, at: Any, **kw: Any) -> httpx.Response:
    return await api.post(f"/api/segment/{segment}/split", json={"split_ts": at}, **kw)


async def trim(api: httpx.AsyncClient, segment: str, start: Any, end: Any) -> httpx.Response:
    return await api.post(f"/api/segment/{segment}/trim",
                          json={"new_start_ts": start, "new_end_ts": end})


async def split_ok(api: httpx.AsyncClient, segment: str, at: float) -> tuple[dict[str, Any], ...]:
    body = ok(await split(api, segment, at))
    return body["left"], body["right"]


async def test_split_trim_delete_as_documented(api: httpx.AsyncClient,
                                               upload_clip: UploadClip) -> None:
    up = await upload_clip()
    left, right = await split_ok(api, up.segment_id, 4.0)
    for segment in (left, right):
        assert set(segment) == SEGMENT_KEYS
        assert segment["project_id"] == up.project_id
        assert segment["source"] == "upload"
        assert segment["variant_id"] is None
        assert segment["active"] is True
        assert segment["url"] == f"/api/segment/{segment['id']}/media"
    assert (left["start_ts"], left["end_ts"], left["order_index"]) == (0.0, 4.0, 0)
    assert (right["start_ts"], right["order_index"]) == (4.0, 1)
    assert right["end_ts"] == pytest.approx(CLIP_SECONDS, abs=0.1)

    trimmed = ok(await trim(api, right["id"], 5.0, 9.0))
    assert set(trimmed) == SEGMENT_KEYS
    assert (trimmed["id"], trimmed["start_ts"], trimmed["end_ts"]) == (right["id"], 5.0, 9.0)
    assert (trimmed["order_index"], trimmed["active"]) == (1, True)

    assert ok(await api.delete(f"/api/segment/{left['id']}")) == {"deleted": True}
    # The right half is now the first that plays.
    again = ok(await trim(api, right["id"], 5.0, 8.0))
    assert again["order_index"] == 0


async def test_a_trim_may_reopen_what_a_split_cut_off_within_the_upload(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    left, _ = await split_ok(api, up.segment_id, 3.0)
    reopened = ok(await trim(api, left["id"], 0.0, 6.0))
    assert (reopened["start_ts"], reopened["end_ts"]) == (0.0, 6.0)
    problem(await trim(api, left["id"], 0.0, CLIP_SECONDS + 1), 400, "new_end_ts")


@pytest.mark.parametrize("at", [0.0, CLIP_SECONDS, -0.5, CLIP_SECONDS + 5, 1e308])
async def test_a_split_at_or_outside_the_edges_is_a_400(
    api: httpx.AsyncClient, upload_clip: UploadClip, at: float
) -> None:
    up = await upload_clip()
    # Trimmed to exactly [0, 10] first: 10.0 is the end edge to the millisecond.
    ok(await trim(api, up.segment_id, 0.0, CLIP_SECONDS))
    before = ok(await api.get(f"/api/project/{up.project_id}"))
    problem(await split(api, up.segment_id, at), 400, "split_ts")
    assert ok(await api.get(f"/api/project/{up.project_id}")) == before
    # Still whole and active: a split inside it works.
    await split_ok(api, up.segment_id, 5.0)


@pytest.mark.parametrize(("start", "end", "field"), [
    (6.0, 2.0, "new_end_ts"),  # inverted
    (3.0, 3.0, "new_end_ts"),  # zero length
    (-1.0, 3.0, "new_start_ts"),  # before the upload's start
    (2.0, CLIP_SECONDS + 0.5, "new_end_ts"),  # past the upload's end
])
async def test_a_bad_trim_is_a_400_naming_the_field(
    api: httpx.AsyncClient, upload_clip: UploadClip, start: float, end: float, field: str
) -> None:
    up = await upload_clip()
    before = ok(await api.get(f"/api/project/{up.project_id}"))
    body = problem(await trim(api, up.segment_id, start, end), 400, field)
    assert field in body["detail"]
    assert ok(await api.get(f"/api/project/{up.project_id}")) == before


async def test_edits_of_a_deactivated_segment_are_409s(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    left, _ = await split_ok(api, up.segment_id, 4.0)
    ok(await api.delete(f"/api/segment/{left['id']}"))
    # A split segment refuses every edit; a deleted one too, but a second DELETE of it is
    # a retry (DELETE is idempotent) and is answered as the first.
    cases = [(up.segment_id, "split", True), (left["id"], "deleted", False)]
    for segment, why, delete_refused in cases:
        before = ok(await api.get(f"/api/project/{up.project_id}"))
        for response in [await split(api, segment, 2.0), await trim(api, segment, 1.0, 2.0)]:
            assert why in problem(response, 409)["detail"]
        deleting = await api.delete(f"/api/segment/{segment}")
        assert deleting.status_code == (409 if delete_refused else 200), deleting.text
        assert (why in deleting.json()["detail"]) if delete_refused else deleting.json() == {
            "deleted": True}
        assert ok(await api.get(f"/api/project/{up.project_id}")) == before


@pytest.mark.parametrize(("path", "body", "field"), [
    ("split", {"split_ts": "4.0"}, "split_ts"),
    ("split", {"split_ts": True}, "split_ts"),
    ("split", {"split_ts": None}, "split_ts"),
    ("split", {"split_ts": [4]}, "split_ts"),
    ("split", {}, "split_ts"),
    ("trim", {"new_start_ts": "1", "new_end_ts": 2.0}, "new_start_ts"),
    ("trim", {"new_start_ts": 1.0, "new_end_ts": {"s": 2}}, "new_end_ts"),
    ("trim", {"new_start_ts": 1.0}, "new_end_ts"),
])
async def test_wrong_types_are_a_400_naming_the_field(
    api: httpx.AsyncClient, upload_clip: UploadClip, path: str, body: dict[str, Any],
    field: str,
) -> None:
    up = await upload_clip()
    problem(await api.post(f"/api/segment/{up.segment_id}/{path}", json=body), 400, field)


async def test_a_missing_or_broken_body_is_a_400(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    json = {"content-type": "application/json"}
    problem(await api.post(f"/api/segment/{up.segment_id}/split"), 400)
    problem(await api.post(f"/api/segment/{up.segment_id}/trim", content=b"{", headers=json),
            400)
    problem(await api.post(f"/api/segment/{up.segment_id}/split", content=b"[]",
                           headers=json), 400)


@pytest.mark.parametrize(
    "segment", ["3f0c8a52-5d1e-4c7b-9a61-0d2e8f4b7c19", "nope", "..%2F..%2Fetc"]
)
async def test_an_unknown_segment_is_a_404_even_with_a_bad_body(
    api: httpx.AsyncClient, segment: str
) -> None:
    problem(await split(api, segment, "bad"), 404)
    problem(await api.post(f"/api/segment/{segment}/trim", content=b"{"), 404)
    problem(await api.post(f"/api/segment/{segment}/split", json={"split_ts": 1.0}), 404)
    problem(await api.delete(f"/api/segment/{segment}"), 404)


async def test_a_deleted_projects_segments_are_gone(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    ok(await api.delete(f"/api/project/{up.project_id}"))
    problem(await split(api, up.segment_id, 2.0), 404)
    problem(await api.delete(f"/api/segment/{up.segment_id}"), 404)


async def test_a_retry_with_its_idempotency_key_is_stored_once(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = ok(await split(api, up.segment_id, 4.0, headers=key))
    assert ok(await split(api, up.segment_id, 4.0, headers=key)) == first
    # Without the key, the very same split is its own key (a segment is split only once),
    # so a plain retry is answered as the first time too; another split point is a 409.
    other = await upload_clip()
    plain = ok(await split(api, other.segment_id, 4.0))
    assert plain["left"]["id"] != first["left"]["id"]
    assert ok(await split(api, other.segment_id, 4.0)) == plain
    assert "split" in problem(await split(api, other.segment_id, 5.0), 409)["detail"]


async def test_concurrent_splits_of_one_segment_one_applies_the_other_is_a_409(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    answers = await asyncio.gather(*(split(api, up.segment_id, at) for at in (3.0, 6.0)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200, 409], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409)
    assert "inactive (it was split)" in problem(refused, 409)["detail"]


async def test_concurrent_edits_of_different_segments_both_apply(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    up = await upload_clip()
    left, right = await split_ok(api, up.segment_id, 5.0)
    trimmed, halves = await asyncio.gather(trim(api, left["id"], 1.0, 4.0),
                                           split(api, right["id"], 7.0))
    assert (ok(trimmed)["start_ts"], ok(trimmed)["end_ts"]) == (1.0, 4.0)
    body = ok(halves)
    assert [body["left"]["order_index"], body["right"]["order_index"]] == [1, 2]

"""Doc 004 translation rules: request validation, progress view, job shapes, byte ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest
from videogen_gateway import downloads
from videogen_gateway.errors import ApiError, plain_error
from videogen_gateway.readmodels.productions.readmodel import ProductionRow
from videogen_gateway.surfaces.text2video import schemas as shapes

JOB = UUID("550e8400-e29b-41d4-a716-446655440000")


def body(value: object) -> bytes:
    return msgspec.json.encode(value)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   ",
        b"{not json",
        b"[1, 2]",
        b'"text"',
        body({}),
        body({"txt": "hello"}),
        body({"text": ""}),
        body({"text": " \n\t "}),
        body({"text": 42}),
        body({"text": None}),
        body({"text": ["a"]}),
    ],
)
def test_missing_or_bad_text_gets_the_documented_400(raw: bytes) -> None:
    with pytest.raises(ApiError) as caught:
        shapes.text_of(raw, 100)
    assert (caught.value.status, caught.value.detail) == (400, "No text provided in request body")


def test_the_error_body_is_exactly_the_doc_s() -> None:
    with pytest.raises(ApiError) as caught:
        shapes.text_of(b"", 100)
    response = plain_error(caught.value.status, caught.value.detail)
    assert response.status_code == 400
    assert response.media_type == "application/json"
    assert msgspec.json.decode(response.content) == {"error": "No text provided in request body"}


def test_text_over_the_limit_is_413_naming_the_limit() -> None:
    with pytest.raises(ApiError) as caught:
        shapes.text_of(body({"text": "a" * 101}), 100)
    assert caught.value.status == 413
    assert "100" in caught.value.detail
    assert "101" in caught.value.detail


def test_text_at_the_limit_is_accepted() -> None:
    assert shapes.text_of(body({"text": "a" * 100}), 100) == "a" * 100


@pytest.mark.parametrize("text", ["...!?", "🎉🎉 🚀", "—— ¿¡ ***", "\u3002\uff01\uff1f"])
def test_nothing_speakable_is_a_clear_400(text: str) -> None:
    with pytest.raises(ApiError) as caught:
        shapes.text_of(body({"text": text}), 1000)
    assert caught.value.status == 400
    assert "nothing to narrate" in caught.value.detail


@pytest.mark.parametrize(
    "text", ["Hello.", "東京は大きい。", "مرحبا بالعالم", "Rocket 🚀 launch!", "42", "Ünïcödé"]
)
def test_any_script_with_letters_or_digits_is_speakable(text: str) -> None:
    assert shapes.text_of(body({"text": text}), 1000) == text


@pytest.mark.parametrize("raw", ["nope", "123", "550e8400-e29b-41d4-a716", ""])
def test_a_job_id_that_is_not_a_uuid_is_not_found(raw: str) -> None:
    with pytest.raises(ApiError) as caught:
        shapes.job_id_of(raw)
    assert (caught.value.status, caught.value.detail) == (404, "Job not found")


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [(0, 0), (10, 0), (20, 20), (40, 40), (60, 60), (80, 80), (90, 90), (97, 90), (100, 100)],
)
def test_progress_shows_the_documented_stage_reached(recorded: int, shown: int) -> None:
    assert shapes.shown_progress(recorded) == shown


def row(status: str, progress: int) -> ProductionRow:
    at = datetime(2022, 3, 30, 16, 0, tzinfo=UTC)
    return ProductionRow(
        id=JOB, project_id=JOB, kind="text2video", status=status, stage="rendering",
        progress=progress, message="Rendering video... 45%", logs=["Starting audio generation..."],
        video_key=None, subtitle_key=None, duration_s=None, size_bytes=None, error=None,
        created_at=at, updated_at=at,
    )


def test_status_has_exactly_the_documented_fields() -> None:
    shown = msgspec.to_builtins(shapes.job_status(row("processing", 94)))
    assert shown == {
        "status": "processing",
        "progress": 90,
        "message": "Rendering video... 45%",
        "created_at": 1648656000,
        "logs": ["Starting audio generation..."],
        # VideoGen's own, additive (docs/jobs-api.md)
        "stage": "rendering",
        "project_id": str(JOB),
        "kind": "text2video",
        # the quality report, once the video is finished (issue 15)
        "quality": None,
    }


def test_a_listed_job_names_its_output_file_once_completed() -> None:
    done = msgspec.to_builtins(shapes.job_summary(row("completed", 100)))
    assert done["output_file"] == f"output/video_{JOB}.mp4"
    running = msgspec.to_builtins(shapes.job_summary(row("processing", 60)))
    assert "output_file" not in running


def test_download_name_is_documented() -> None:
    assert shapes.download_name(JOB) == f"generated_video_{JOB}.mp4"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("items=0-1", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=0-0", (0, 0)),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
    ],
)
def test_byte_ranges(header: str | None, expected: tuple[int, int] | None) -> None:
    assert downloads.byte_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header: str) -> None:
    with pytest.raises(downloads.Unsatisfiable):
        downloads.byte_range(header, 1000)

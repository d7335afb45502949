"""The Asset decider and the store_upload decision, given/when/then."""

from __future__ import annotations

from functools import reduce

import msgspec
import pytest
from media_service.domain.asset import INITIAL, AssetCommand, ProbedUpload, decide, evolve
from media_service.domain.timeline import INITIAL as EMPTY_TIMELINE
from media_service.domain.timeline import evolve as evolve_timeline
from media_service.domain.upload import decide_store
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.media.editing import (
    AssetEvent,
    AssetRejected,
    AssetStored,
    AssetUploadStarted,
    SegmentAppended,
    asset_blob_key,
)
from videogen_contracts.media.editing_commands import StartUpload

from tests.unit.services.media.domain.editor_samples import (
    ASSET,
    KEY,
    NOW,
    PROJ,
    SEG,
    SHA,
    STREAMS,
    seg_id,
    segment,
    upload,
)

STARTED = AssetUploadStarted(asset_id=ASSET, project_id=PROJ, file_name="clip.mp4",
                             content_type="video/mp4", started_at=NOW)
STORED = AssetStored(asset_id=ASSET, project_id=PROJ, blob_key=KEY, sha256=SHA, size_bytes=1000,
                     duration_s=10.0, streams=list(STREAMS), segment_id=SEG, stored_at=NOW)


def then(history: list[AssetEvent], command: AssetCommand) -> list[AssetEvent]:
    return decide(command, reduce(evolve, history, INITIAL))


def raises(history: list[AssetEvent], command: AssetCommand, error: type[DomainError],
           field: str | None = None) -> str:
    with pytest.raises(error) as caught:
        then(history, command)
    assert caught.value.field == field
    return caught.value.message


def start(**overrides: object) -> StartUpload:
    fields: dict[str, object] = {"command_id": "start-1", "now": NOW, "project_id": PROJ,
                                 "asset_id": ASSET, "file_name": "clip.mp4",
                                 "content_type": "video/mp4"}
    return StartUpload(**(fields | overrides))  # type: ignore[arg-type]


def probed(duration: float = 10.0, streams: tuple[object, ...] = STREAMS,
           unreadable: str | None = None, **overrides: object) -> ProbedUpload:
    return ProbedUpload(upload=upload(**overrides), duration_s=duration,
                        streams=streams, unreadable=unreadable)  # type: ignore[arg-type]


def test_a_started_upload_is_recorded() -> None:
    assert then([], start()) == [STARTED]


def test_an_asset_is_started_once() -> None:
    raises([STARTED], start(command_id="start-2"), Conflict)


@pytest.mark.parametrize("name", ["", "  ", "../../x", "a/b.mp4", "a\\b.mp4", "..", "x" * 256])
def test_a_file_name_must_be_a_plain_name(name: str) -> None:
    raises([], start(file_name=name), Invalid, "file_name")


def test_a_probed_media_file_is_stored() -> None:
    assert then([STARTED], probed()) == [STORED]


@pytest.mark.parametrize(("command", "reason"), [
    (probed(size_bytes=0, unreadable="end of file"), "empty (0 bytes)"),
    (probed(unreadable="Invalid data found when processing input"), "not a readable"),
    (probed(streams=()), "no audio or video stream"),
    (probed(duration=0.0), "no duration"),
    (probed(duration=float("nan")), "no duration"),
])
def test_unusable_files_are_rejected_with_the_reason(command: ProbedUpload, reason: str) -> None:
    [rejected] = then([STARTED], command)
    assert isinstance(rejected, AssetRejected)
    assert reason in rejected.reason


def test_storing_an_unknown_asset_is_not_found() -> None:
    raises([], probed(), NotFound)


def test_storing_another_projects_asset_is_not_found() -> None:
    other = seg_id(999)
    raises([STARTED], probed(project_id=other, blob_key=asset_blob_key(other, SHA)), NotFound)


def test_storing_a_rejected_asset_is_a_conflict_naming_the_reason() -> None:
    rejected = AssetRejected(asset_id=ASSET, project_id=PROJ, reason="the file is empty",
                             rejected_at=NOW)
    assert "the file is empty" in raises([STARTED, rejected], probed(command_id="s2"), Conflict)


def test_the_same_bytes_stored_again_change_nothing() -> None:
    assert then([STARTED, STORED], probed(command_id="store-2")) == []


def test_other_bytes_for_a_stored_asset_are_a_conflict() -> None:
    other = "cd" * 32
    raises([STARTED, STORED], probed(command_id="s2", sha256=other,
                                     blob_key=asset_blob_key(PROJ, other)), Conflict)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"sha256": "AB" * 32, "blob_key": asset_blob_key(PROJ, "AB" * 32)}, "sha256"),
    ({"sha256": "ab"}, "sha256"),
    ({"blob_key": f"editor/{PROJ}/elsewhere/{SHA}"}, "blob_key"),
    ({"size_bytes": -1}, "size_bytes"),
])
def test_the_blob_must_be_named_by_its_content(overrides: dict[str, object], field: str) -> None:
    raises([STARTED], ProbedUpload(upload=upload(**overrides), duration_s=10.0, streams=STREAMS),
           Invalid, field)


def test_a_stored_asset_appends_its_whole_clip_to_the_timeline() -> None:
    state = reduce(evolve, [STARTED], INITIAL)
    assets, timeline = decide_store(probed(), state, EMPTY_TIMELINE)
    assert assets == [STORED]
    assert timeline == [SegmentAppended(project_id=PROJ, segment=segment(), appended_at=NOW)]


def test_a_rejected_asset_leaves_the_timeline_alone() -> None:
    state = reduce(evolve, [STARTED], INITIAL)
    assets, timeline = decide_store(probed(streams=()), state, EMPTY_TIMELINE)
    assert [type(e) for e in assets] == [AssetRejected]
    assert timeline == []


def test_the_same_file_uploaded_twice_is_a_second_asset_on_the_same_blob() -> None:
    # Content-addressed: the blob key is the same; the timeline shows the clip twice.
    second_asset, second_seg = seg_id(2), seg_id(3)
    started = msgspec.structs.replace(STARTED, asset_id=second_asset)
    command = probed(command_id="store-2", asset_id=second_asset, segment_id=second_seg)
    line = reduce(evolve_timeline, [SegmentAppended(project_id=PROJ, segment=segment(),
                                                    appended_at=NOW)], EMPTY_TIMELINE)
    assets, timeline = decide_store(command, reduce(evolve, [started], INITIAL), line)
    [stored] = assets
    assert isinstance(stored, AssetStored)
    assert stored.blob_key == KEY
    [appended] = timeline
    assert isinstance(appended, SegmentAppended)
    assert appended.segment.media_key == KEY
    assert appended.segment.segment_id == second_seg


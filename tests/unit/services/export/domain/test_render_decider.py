"""The Render decider, given/when/then: past events, one command, the events it produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict
from uuid import UUID

import pytest
from export_service.domain.commands import (
    CompleteRender,
    FailRender,
    RecordProgress,
    RenderCommand,
)
from export_service.domain.render import decide, fold
from msgspec.structs import replace
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import (
    CaptionTrack,
    RenderCompleted,
    RenderEvent,
    RenderFailed,
    RenderProgressed,
    RenderRequested,
    TimelineClip,
)
from videogen_contracts.media.events import (
    ChosenVisual,
    PictureSegment,
    ProceduralSpec,
    SoundOptions,
)
from videogen_contracts.project.production import RenderSettings

NOW = datetime(2025, 3, 1, 9, 31, tzinfo=UTC)
RID = UUID("00000000-0000-4000-8000-0000000000a1")
S1 = UUID("00000000-0000-4000-8000-000000000001")
S2 = UUID("00000000-0000-4000-8000-000000000002")


class Ids(TypedDict):
    render_id: UUID
    project_id: UUID
    production_id: UUID


IDS = Ids(render_id=RID, project_id=RID, production_id=RID)


def clip(sentence_id: UUID, duration_s: float = 2.0) -> TimelineClip:
    visual = ChosenVisual(
        sentence_id=sentence_id,
        keywords=["sea"],
        kind="procedural",
        spec=ProceduralSpec(style="gradient", palette=["#102030", "#405060"]),
    )
    return TimelineClip(
        clip_id=sentence_id,
        text="The sea is calm.",
        narration_key=f"narration/{RID}/{sentence_id}.wav",
        duration_s=duration_s,
        visual=visual,
    )


REQUEST = RenderTimeline(
    command_id="pm-1",
    now=NOW,
    **IDS,
    clips=[clip(S1), clip(S2, 1.5)],
    captions=CaptionTrack(ass_key=f"captions/{RID}.ass", srt_key=f"captions/{RID}.srt"),
    output_key=f"videos/{RID}.mp4",
)
REQUESTED = RenderRequested(
    **IDS,
    clips=REQUEST.clips,
    captions=REQUEST.captions,
    settings=RenderSettings(),
    output_key=f"videos/{RID}.mp4",
    subtitle_key=f"videos/{RID}.srt",
    requested_at=NOW,
)
COMPLETE = CompleteRender(
    render_id=RID, project_id=RID, now=NOW, video_key=f"videos/{RID}.mp4",
    subtitle_key=f"videos/{RID}.srt", duration_s=3.5, size_bytes=1234,
)


def progressed(percent: int) -> RenderProgressed:
    return RenderProgressed(**IDS, percent=percent, progressed_at=NOW)


def progress(percent: int) -> RecordProgress:
    return RecordProgress(render_id=RID, project_id=RID, now=NOW, percent=percent)


@dataclass(frozen=True)
class When:
    history: tuple[RenderEvent, ...]
    command: RenderCommand

    def then(self, *expected: RenderEvent) -> None:
        assert decide(self.command, fold(self.history)) == list(expected)

    def raises(self, error: type[DomainError], field: str | None = None) -> None:
        with pytest.raises(error) as caught:
            decide(self.command, fold(self.history))
        assert caught.value.field == field


def test_a_request_is_recorded_with_the_srt_next_to_the_video() -> None:
    When((), REQUEST).then(REQUESTED)


def test_an_explicit_subtitle_key_is_kept() -> None:
    command = replace(REQUEST, subtitle_key="videos/other.srt")
    When((), command).then(replace(REQUESTED, subtitle_key="videos/other.srt"))


def test_without_an_srt_there_is_no_subtitle_key() -> None:
    command = replace(REQUEST, captions=CaptionTrack(ass_key=f"captions/{RID}.ass"))
    expected = replace(REQUESTED, captions=command.captions, subtitle_key=None)
    When((), command).then(expected)


def test_a_second_request_for_the_same_render_conflicts() -> None:
    When((REQUESTED,), replace(REQUEST, command_id="pm-2")).raises(Conflict)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clips": []}, "clips"),
        ({"clips": [clip(S1), clip(S1)]}, "clips"),
        ({"clips": [clip(S1, 0.0)]}, "clips[0].duration_s"),
        ({"clips": [clip(S1, float("nan"))]}, "clips[0].duration_s"),
        ({"output_key": "../etc/passwd"}, "output_key"),
        ({"output_key": "/abs/video.mp4"}, "output_key"),
        ({"subtitle_key": "videos//x.srt"}, "subtitle_key"),
        ({"settings": RenderSettings(width=1279)}, "settings.width"),
        ({"settings": RenderSettings(height=0)}, "settings.height"),
        ({"settings": RenderSettings(fps=0)}, "settings.fps"),
        ({"settings": RenderSettings(crf=52)}, "settings.crf"),
        ({"settings": RenderSettings(preset="warp")}, "settings.preset"),
        ({"settings": RenderSettings(codec="h264", container="webm")}, "settings.codec"),
        ({"settings": RenderSettings(container="mkv")}, "settings.container"),
    ],
)
def test_bad_requests_are_invalid_naming_the_field(change: dict[str, object], field: str) -> None:
    When((), replace(REQUEST, **change)).raises(Invalid, field)


def test_a_stock_visual_needs_its_key() -> None:
    bad = replace(clip(S1), visual=ChosenVisual(sentence_id=S1, keywords=[], kind="stock"))
    When((), replace(REQUEST, clips=[bad])).raises(Invalid, "clips[0].visual.key")


def test_a_designed_visual_needs_its_still() -> None:
    bad = replace(clip(S1), visual=ChosenVisual(sentence_id=S1, keywords=[], kind="designed"))
    When((), replace(REQUEST, clips=[bad])).raises(Invalid, "clips[0].visual.key")


SEGMENTS = [PictureSegment(key="segments/p/a.mp4", first=0, count=1, frames=60)]


def test_segments_sound_and_the_media_report_are_requested_along() -> None:
    sound = SoundOptions(loudness_lufs=-16.0, music="procedural")
    command = replace(
        REQUEST, clips=REQUEST.clips[:1], segments=SEGMENTS, sound=sound,
        media_report_key="reports/x.media.json",
    )
    expected = replace(
        REQUESTED, clips=command.clips, segments=SEGMENTS, sound=sound,
        media_report_key="reports/x.media.json",
    )
    When((), command).then(expected)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"segments": [replace(SEGMENTS[0], first=1)]}, "segments[0]"),
        ({"segments": [replace(SEGMENTS[0], key="../x.mp4")]}, "segments[0].key"),
        ({"segments": SEGMENTS * 2}, "segments[1]"),
        ({"sound": SoundOptions(loudness_lufs=3.0)}, "sound.loudness_lufs"),
        ({"sound": SoundOptions(music="upload")}, "sound.music_key"),
        ({"media_report_key": "/abs.json"}, "media_report_key"),
    ],
)
def test_bad_picture_requests_are_invalid(change: dict[str, object], field: str) -> None:
    When((), replace(REQUEST, clips=REQUEST.clips[:1], **change)).raises(Invalid, field)


def test_a_completion_names_its_report_and_webvtt() -> None:
    command = replace(COMPLETE, report_key=f"reports/{RID}.json", vtt_key="videos/x.vtt")
    completed = RenderCompleted(
        **IDS, video_key=COMPLETE.video_key, subtitle_key=COMPLETE.subtitle_key,
        duration_s=3.5, size_bytes=1234, completed_at=NOW, report_key=f"reports/{RID}.json",
        vtt_key="videos/x.vtt",
    )
    When((REQUESTED,), command).then(completed)


def test_a_procedural_visual_needs_its_spec() -> None:
    bad = replace(clip(S1), visual=ChosenVisual(sentence_id=S1, keywords=[], kind="procedural"))
    When((), replace(REQUEST, clips=[bad])).raises(Invalid, "clips[0].visual.spec")


def test_progress_is_recorded_in_steps_of_five() -> None:
    When((REQUESTED,), progress(5)).then(progressed(5))
    When((REQUESTED, progressed(5)), progress(9)).then()
    When((REQUESTED, progressed(5)), progress(10)).then(progressed(10))


def test_progress_never_goes_back_after_a_restart() -> None:
    # The resumed encode starts from 0 again: nothing is recorded until it passes 45 + 5.
    history = (REQUESTED, progressed(20), progressed(45))
    When(history, progress(10)).then()
    When(history, progress(45)).then()
    When(history, progress(50)).then(progressed(50))


def test_progress_stops_below_one_hundred() -> None:
    When((REQUESTED, progressed(90)), progress(100)).then(progressed(99))


def test_progress_after_the_outcome_is_ignored() -> None:
    completed = RenderCompleted(
        **IDS, video_key=COMPLETE.video_key, subtitle_key=COMPLETE.subtitle_key,
        duration_s=3.5, size_bytes=1234, completed_at=NOW,
    )
    When((REQUESTED, completed), progress(50)).then()


def test_progress_outside_a_percentage_is_invalid() -> None:
    When((REQUESTED,), progress(101)).raises(Invalid, "percent")


def test_steps_of_an_unknown_render_are_not_found() -> None:
    When((), progress(10)).raises(NotFound)
    When((), COMPLETE).raises(NotFound)
    fail = FailRender(render_id=RID, project_id=RID, now=NOW, code="internal", reason="x")
    When((), fail).raises(NotFound)


def test_completion_is_recorded_once() -> None:
    completed = RenderCompleted(
        **IDS, video_key=COMPLETE.video_key, subtitle_key=COMPLETE.subtitle_key,
        duration_s=3.5, size_bytes=1234, completed_at=NOW,
    )
    When((REQUESTED, progressed(50)), COMPLETE).then(completed)
    When((REQUESTED, completed), COMPLETE).then()


def test_a_completion_must_describe_a_real_file() -> None:
    When((REQUESTED,), replace(COMPLETE, size_bytes=0)).raises(Invalid, "size_bytes")
    When((REQUESTED,), replace(COMPLETE, duration_s=0.0)).raises(Invalid, "duration_s")


def test_failure_is_final_and_recorded_once() -> None:
    fail = FailRender(
        render_id=RID, project_id=RID, now=NOW, code="encoder_failed", reason="ffmpeg exited 1"
    )
    failed = RenderFailed(**IDS, code="encoder_failed", reason="ffmpeg exited 1", failed_at=NOW)
    When((REQUESTED,), fail).then(failed)
    When((REQUESTED, failed), fail).then()
    When((REQUESTED, failed), COMPLETE).then()


def test_worker_command_ids_are_deterministic_per_step() -> None:
    assert progress(10).command_id == f"export/{RID}/progress/10"
    assert COMPLETE.command_id == f"export/{RID}/completed"

"""Doc 003's high-level workflow end to end, offline: its Python example, unchanged but for
polling the task, generates "Explain machine learning basics" in 3 scenes; then
`edit-scene` on scene 2 with the example's "Make it more colorful and engaging".

Everything is measured on what a client downloads: the scene videos and the combined one
are decoded with PyAV (streams, sizes, durations, frames, audio samples) and the SRTs are
parsed. The generate task runs once for the module (it is the slow part) and the edit once
after it; each test checks one promise of the doc on them.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_contracts.script.manim import EDIT_STEPS, GENERATE_STEPS, scene_blob_keys
from videogen_local.stack import Stack

from .conftest import (
    EDIT_SCENE,
    TASK_ENDED,
    TASK_STATUSES,
    TASKS,
    Decoded,
    SseMessage,
    audio_gaps,
    audio_rms,
    blob_path,
    colorfulness,
    decode,
    download,
    frames_between,
    mean_abs_diff,
    not_blank,
    ok,
    parse_srt,
    read_feed,
    wait_task,
)

pytestmark = pytest.mark.slow

SCENES = 3
PROJECT_FEED = "/api/v1/video-generation/projects/my_project/events"
# Doc 003 sends no render_config: the default quality is "low" (854x480 at 15 fps).
LOW = (854, 480, 15.0)
FRAME = 1 / LOW[2]


@dataclass
class Outputs:
    """One finished task as its client sees it: the answers and the downloaded files."""

    answer: dict[str, Any]
    early_result: httpx.Response
    statuses: list[dict[str, Any]]
    result: dict[str, Any]
    scenes: list[Path]
    scene_srts: list[str]
    codes: list[str]
    combined: Path
    combined_srt: str

    def decoded(self) -> list[Decoded]:
        return [decode(p) for p in self.scenes]


async def finished(client: httpx.AsyncClient, answer: dict[str, Any], folder: Path) -> Outputs:
    """Poll the task the answer started, then download everything its result points at."""
    task_id = answer["task_id"]
    early = await client.get(f"{TASKS}/{task_id}/result")
    statuses = await wait_task(client, task_id)
    assert statuses[-1]["status"] == "completed", statuses[-1]
    result = ok(await client.get(f"{TASKS}/{task_id}/result"))
    scenes, srts, codes = [], [], []
    for scene in result["scenes"]:
        n, v = scene["scene_number"], scene["version"]
        scenes.append(await download(client, scene["video_url"], folder / f"s{n}v{v}.mp4"))
        srts.append((await client.get(scene["srt_url"])).raise_for_status().text)
        codes.append((await client.get(scene["code_url"])).raise_for_status().text)
    combined = await download(client, result["combined_video_url"], folder / "combined.mp4")
    combined_srt = (await client.get(result["combined_srt_url"])).raise_for_status().text
    return Outputs(answer, early, statuses, result, scenes, srts, codes, combined, combined_srt)


@pytest.fixture(scope="module")
async def generated(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as client:
        # Doc 003's example, as written (its `response` is an httpx response):
        response = await client.post("/api/v1/video-generation/generate", json={
            "project_id": "my_project",
            "content_prompt": "Explain machine learning basics",
            "scene_count": 3
        })
        answer = ok(response)
        return await finished(client, answer, tmp_path_factory.mktemp("generated"))


@dataclass
class Edited:
    before: Outputs
    after: Outputs
    # (inode, mtime_ns, sha256) of every v1 blob of scenes 1 and 3, before and after.
    untouched_before: dict[str, tuple[int, int, str]]
    untouched_after: dict[str, tuple[int, int, str]]
    # The project's live feed, read from before the edit was asked for until it ended.
    project_feed: list[SseMessage]


def _stat(path: Path) -> tuple[int, int, str]:
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def _v1_blobs(stack: Stack, session_id: str) -> dict[str, tuple[int, int, str]]:
    keys = [k for n in (1, 3) for k in scene_blob_keys(session_id, n, 1)]
    return {key: _stat(blob_path(stack, key)) for key in keys}


@pytest.fixture(scope="module")
async def edited(
    stack: Stack, generated: Outputs, tmp_path_factory: pytest.TempPathFactory
) -> Edited:
    session_id = generated.answer["session_id"]
    before = _v1_blobs(stack, session_id)
    edit: dict[str, str] = {}

    def edit_ended(m: SseMessage) -> bool:
        return m.event in TASK_ENDED and m.data["task_id"] == edit.get("task_id")

    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as client:
        connected = asyncio.Event()
        feed = asyncio.create_task(read_feed(client, PROJECT_FEED, until=edit_ended,
                                             connected=connected))
        await asyncio.wait_for(connected.wait(), 30)
        # The doc's edit example, with the scene id of this session's scene 2.
        edit_response = await client.post(EDIT_SCENE, json={
            "scene_id": f"{session_id}_scene_2",
            "project_id": "my_project",
            "edit_prompt": "Make it more colorful and engaging"
        })
        answer = ok(edit_response)
        edit["task_id"] = answer["task_id"]
        after = await finished(client, answer, tmp_path_factory.mktemp("edited"))
        project_feed = await asyncio.wait_for(feed, 30)
    return Edited(generated, after, before, _v1_blobs(stack, session_id), project_feed)


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _step_index(step: object, steps: tuple[str, ...]) -> int:
    """`current_step` as a 1-based index, whether it is sent as the index or the name."""
    assert step in steps or step in range(1, len(steps) + 1), step
    return steps.index(step) + 1 if isinstance(step, str) else int(str(step))


def _check_statuses(out: Outputs, steps: tuple[str, ...]) -> None:
    seen = out.statuses
    assert all(s["task_id"] == out.answer["task_id"] for s in seen)
    assert all(s["total_steps"] == len(steps) for s in seen), [s["total_steps"] for s in seen]
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress), progress
    assert all(0 <= p <= 100 for p in progress), progress
    assert seen[-1]["progress"] == 100, seen[-1]
    indexes = [_step_index(s["current_step"], steps) for s in seen if s["current_step"]]
    assert indexes == sorted(indexes), indexes
    created = _when(seen[0]["created_at"])
    running = [s for s in seen if s["status"] == "progress"]
    assert running, f"the task was never seen in progress: {seen}"
    # A real estimate, from measured step times (or this task's own pace so far).
    estimates = [_when(s["estimated_completion"]) for s in running if s["estimated_completion"]]
    assert estimates, f"no estimated_completion while in progress: {running}"
    assert all(e >= created for e in estimates), (created, estimates)
    assert all(_when(s["updated_at"]) >= created for s in seen)


# ---- generate -------------------------------------------------------------------------


async def test_generate_answers_queued_with_a_session(generated: Outputs) -> None:
    answer = generated.answer
    assert answer["status"] == "queued", answer
    assert answer["project_id"] == "my_project"
    assert re.fullmatch(r"session_[0-9a-f]{8}", answer["session_id"]), answer
    assert answer["message"], answer
    assert answer["estimated_duration_minutes"] > 0, answer
    _when(answer["created_at"])


async def test_the_result_is_202_until_the_task_completes(generated: Outputs) -> None:
    early = generated.early_result
    assert early.status_code == 202, early.text
    assert early.json()["status"] in ("queued", "progress"), early.text
    result = generated.result
    assert result["task_id"] == generated.answer["task_id"]
    assert (result["project_id"], result["session_id"]) == (
        "my_project", generated.answer["session_id"])


async def test_progress_moves_forward_through_the_six_steps_with_an_estimate(
    generated: Outputs,
) -> None:
    _check_statuses(generated, GENERATE_STEPS)
    final = generated.statuses[-1]
    assert final["session_id"] == generated.answer["session_id"]
    assert final["result"], final


async def test_three_scene_videos_are_playable_at_the_default_quality(
    generated: Outputs,
) -> None:
    session = generated.answer["session_id"]
    scenes = generated.result["scenes"]
    assert [s["scene_number"] for s in scenes] == [1, 2, 3]
    assert [s["version"] for s in scenes] == [1, 1, 1]
    assert [s["scene_id"] for s in scenes] == [f"{session}_scene_{n}" for n in (1, 2, 3)]
    for scene, video, code in zip(scenes, generated.decoded(), generated.codes, strict=True):
        assert (video.width, video.height) == LOW[:2], video
        assert video.fps == pytest.approx(LOW[2], abs=0.01)
        assert 1.0 < video.duration <= 60.0 + FRAME
        assert scene["duration"] == pytest.approx(video.duration, abs=0.1), scene
        # Narrated (render_config.narration defaults to on): the scene has its voice.
        assert video.audio_duration == pytest.approx(video.duration, abs=0.2)
        assert f"class Scene{scene['scene_number']}" in code
        assert re.search(r"\b(Math)?Tex\(", code) is None  # no LaTeX on this machine


async def test_frames_differ_between_scenes(generated: Outputs) -> None:
    middles = [frames_between(p, d.duration * 0.45, d.duration * 0.55, count=1)[0]
               for p, d in zip(generated.scenes, generated.decoded(), strict=True)]
    assert all(not_blank(m[None]) for m in middles)
    for i in range(SCENES):
        for j in range(i + 1, SCENES):
            assert mean_abs_diff(middles[i], middles[j]) > 3.0, (i + 1, j + 1)


async def test_the_combined_video_joins_the_scenes_with_continuous_audio(
    generated: Outputs,
) -> None:
    scenes = generated.decoded()
    combined = decode(generated.combined)
    assert (combined.width, combined.height) == LOW[:2]
    total = sum(s.duration for s in scenes)
    assert combined.duration == pytest.approx(total, abs=0.2), (combined.duration, total)
    assert generated.result["duration"] == pytest.approx(combined.duration, abs=0.2)
    # The audio covers the whole video without a hole, and each scene's narration is in
    # its own place (speech, not silence, in every scene's span).
    assert combined.audio_runs[0][0] <= 0.05, combined.audio_runs[:2]
    assert combined.audio_duration == pytest.approx(combined.duration, abs=0.2)
    assert audio_gaps(combined) == []
    offset = 0.0
    middles = [frames_between(p, d.duration * 0.45, d.duration * 0.55, count=1)[0]
               for p, d in zip(generated.scenes, scenes, strict=True)]
    for k, scene in enumerate(scenes):
        assert audio_rms(generated.combined, offset, offset + scene.duration) > 0.005, k + 1
        # The combined video shows scene k in scene k's span: its middle frame is closer
        # to scene k's own than to any other scene's.
        mid = frames_between(generated.combined, offset + scene.duration * 0.45,
                             offset + scene.duration * 0.55, count=1)[0]
        distances = [mean_abs_diff(mid, m) for m in middles]
        assert min(range(SCENES), key=distances.__getitem__) == k, (k + 1, distances)
        offset += scene.duration


async def test_the_combined_srt_merges_the_scenes_with_their_offsets(
    generated: Outputs,
) -> None:
    scenes = generated.decoded()
    merged = parse_srt(generated.combined_srt)
    expected, offset = [], 0.0
    for srt, scene in zip(generated.scene_srts, scenes, strict=True):
        cues = parse_srt(srt)
        assert cues, f"a narrated scene without subtitles: {srt!r}"
        assert cues[-1].end <= scene.duration + 0.1, (cues[-1], scene.duration)
        expected += [(c.start + offset, c.end + offset, c.text) for c in cues]
        offset += scene.duration
    assert [c.text for c in merged] == [text for _, _, text in expected]
    for cue, (start, end, _) in zip(merged, expected, strict=True):
        assert cue.start == pytest.approx(start, abs=0.15), (cue, start)
        assert cue.end == pytest.approx(end, abs=0.15), (cue, end)
    starts = [c.start for c in merged]
    assert all(a < b for a, b in itertools.pairwise(starts)), starts


def _positions(messages: list[SseMessage]) -> list[int]:
    positions = [m.position for m in messages]
    assert all(a < b for a, b in itertools.pairwise(positions)), positions
    return positions


async def test_the_task_feed_replays_the_task_and_resumes_after_last_event_id(
    api: httpx.AsyncClient, generated: Outputs
) -> None:
    path = f"{TASKS}/{generated.answer['task_id']}/events"

    def ends(m: SseMessage) -> bool:
        return m.event in TASK_ENDED

    messages = await asyncio.wait_for(read_feed(api, path, until=ends), 60)
    assert messages[0].event == "connected", messages[0]
    body = messages[1:]
    positions = _positions(body)
    assert body[-1].event == "completed", body[-1]
    moved = [m.data for m in body if m.event in TASK_STATUSES]
    assert moved[-1]["progress"] == 100
    progress = [m["progress"] for m in moved]
    assert progress == sorted(progress), progress
    assert {m["current_step"] for m in moved} >= set(GENERATE_STEPS), moved
    # A reconnect with Last-Event-ID gets exactly what came after it.
    k = len(body) // 2
    again = await asyncio.wait_for(
        read_feed(api, path, until=ends, last_event_id=positions[k]), 60)
    assert [m.position for m in again[1:]] == positions[k + 1:]


# ---- edit-scene on scene 2 ------------------------------------------------------------


async def test_edit_scene_answers_a_task_for_that_scene(edited: Edited) -> None:
    answer, session = edited.after.answer, edited.before.answer["session_id"]
    assert answer["status"] == "queued", answer
    assert answer["scene_id"] == f"{session}_scene_2", answer
    assert (answer["project_id"], answer["session_id"]) == ("my_project", session)
    assert answer["task_id"] != edited.before.answer["task_id"]
    _check_statuses(edited.after, EDIT_STEPS)


async def test_the_projects_live_feed_carries_the_edit(edited: Edited) -> None:
    feed = edited.project_feed
    assert feed[0].event == "connected", feed[0]
    _positions(feed[1:])
    task_id = edited.after.answer["task_id"]
    mine = [m for m in feed[1:] if m.data.get("task_id") == task_id]
    moved = [m.data for m in mine if m.event in TASK_STATUSES]
    assert moved, feed
    assert moved[-1]["status"] == "completed", moved[-1]
    progress = [m["progress"] for m in moved]
    assert progress == sorted(progress), progress
    assert {m["current_step"] for m in moved} >= set(EDIT_STEPS), moved
    # The edit's jobs as they moved: the only scene rendered is scene 2.
    renders = [m.data for m in mine if m.event == "job" and m.data["kind"] == "render"]
    assert renders, mine
    assert {r["scene_number"] for r in renders} == {2}, renders


async def test_only_scene_2_gets_a_new_version(
    stack: Stack, api: httpx.AsyncClient, edited: Edited
) -> None:
    before, after = edited.before.result["scenes"], edited.after.result["scenes"]
    assert [s["version"] for s in after] == [1, 2, 1], after
    for n in (1, 3):
        assert after[n - 1]["video_url"] == before[n - 1]["video_url"]
        assert after[n - 1]["code_url"] == before[n - 1]["code_url"]
    assert after[1]["video_url"] != before[1]["video_url"]
    # Scenes 1 and 3 were not rendered again: their files are the very same files.
    assert edited.untouched_after == edited.untouched_before
    session = edited.before.answer["session_id"]
    for n in (1, 3):
        assert not blob_path(stack, scene_blob_keys(session, n, 2)[0]).exists()
    # Every version's code is kept: scene 2's first code is still served, as it was.
    assert edited.after.codes[1] != edited.before.codes[1]
    first = await api.get(before[1]["code_url"])
    assert (first.status_code, first.text) == (200, edited.before.codes[1])
    assert "class Scene2" in edited.after.codes[1]


async def test_the_edit_keeps_the_scene_s_timing(edited: Edited) -> None:
    """edit-scene's `preserve_timing` (true by default): the new scene 2 lasts as long as
    the old one, so scene 3 starts where it did in the combined video."""
    old, new = decode(edited.before.scenes[1]), decode(edited.after.scenes[1])
    assert new.duration == pytest.approx(old.duration, abs=FRAME + 0.01)
    assert edited.after.result["scenes"][1]["duration"] == pytest.approx(
        edited.before.result["scenes"][1]["duration"], abs=FRAME + 0.01)


async def test_the_edited_scene_is_more_colorful(edited: Edited) -> None:
    def spread(out: Outputs) -> Any:
        d = decode(out.scenes[1]).duration
        return frames_between(out.scenes[1], d * 0.1, d * 0.9, count=6)

    old, new = spread(edited.before), spread(edited.after)
    assert not_blank(new)
    assert mean_abs_diff(old, new) > 2.0
    assert colorfulness(new) > colorfulness(old) * 1.1, (colorfulness(old), colorfulness(new))


async def test_the_combined_video_is_made_again_with_the_new_scene_2(edited: Edited) -> None:
    before, after = edited.before, edited.after
    assert after.result["combined_video_url"] != before.result["combined_video_url"]
    scenes = after.decoded()
    combined = decode(after.combined)
    assert combined.duration == pytest.approx(sum(s.duration for s in scenes), abs=0.2)
    assert audio_gaps(combined) == []

    def middle(out: Outputs, k: int) -> Any:
        durations = [s.duration for s in out.decoded()]
        start = sum(durations[:k])
        return frames_between(out.combined, start + durations[k] * 0.45,
                              start + durations[k] * 0.55, count=1)[0]

    # Scene 1's span is as it was; scene 2's shows the edited scene.
    assert mean_abs_diff(middle(before, 0), middle(after, 0)) < 1.5
    assert mean_abs_diff(middle(before, 1), middle(after, 1)) > 3.0
    new_scene_2 = frames_between(after.scenes[1], scenes[1].duration * 0.45,
                                 scenes[1].duration * 0.55, count=1)[0]
    assert mean_abs_diff(middle(after, 1), new_scene_2) < mean_abs_diff(
        middle(before, 1), new_scene_2)

"""The job routes and the render on the real app with two users (the ownership fixtures):
another user's job or project is a 404 in the surface's own shape, from the existing guard;
the owner's feed opens with `connected` and replays its job; the studio's `stale` flag
follows the project's last completed render."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import httpx
import pytest
from videogen_contracts.media.editing import (
    AssetStored,
    AssetUploadStarted,
    MediaStream,
    asset_stream_id,
)
from videogen_contracts.project.production import (
    ProductionBrief,
    ProductionCompleted,
    ProductionQueued,
    ProductionScriptAttached,
    ProductionSentence,
    RenderSettings,
    VoiceSettings,
    stream_id_for,
)
from videogen_contracts.script.events import SentenceTextChanged
from videogen_contracts.script.events import stream_id_for as script_stream
from videogen_runtime.settings import Settings

from tests.integration.gateway.ownership.conftest import (  # noqa: F401 (fixtures)
    NOW,
    Events,
    Gateway,
    StudioWorld,
    events,
    gateway,
    schema,
    settings,
    studio_project,
)
from tests.integration.gateway.readmodels.conftest import pool  # noqa: F401 (a fixture)

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)


async def render(log: Events, world: StudioWorld, owner: str, text: str) -> UUID:
    """A completed production of kind "project" that narrated the world's sentence as `text`."""
    job = uuid4()
    stream = stream_id_for(job)
    for event in (
        ProductionQueued(production_id=job, project_id=world.project_id, kind="project",
                         text="", render=RenderSettings(), voice=VoiceSettings(), queued_at=NOW),
        ProductionScriptAttached(production_id=job, script_id=world.script_id, at=NOW,
                                 sentences=[ProductionSentence(
                                     sentence_id=world.sentence_id, section_id=world.section_id,
                                     text=text)]),
        ProductionCompleted(production_id=job, video_key="v.mp4", subtitle_key=None,
                            duration_s=1.0, size_bytes=1, at=NOW),
    ):
        await log.apply("project", stream, event, owner=owner, project_id=world.project_id)
    return job


async def first_messages(client: httpx.AsyncClient, path: str, count: int) -> list[str]:
    """The `event:` names of the stream's first `count` messages (then the client leaves)."""
    names: list[str] = []
    async with client.stream("GET", path, timeout=10) as response:
        assert response.status_code == 200, await response.aread()
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                names.append(line.removeprefix("event: "))
            if len(names) >= count:
                break
    return names


async def stale(client: httpx.AsyncClient, project_id: UUID) -> list[bool]:
    body = (await client.get(f"/api/v1/projects/{project_id}")).json()
    return [n["stale"] for s in body["sections"] for n in s["sentences"]]


async def test_another_users_job_and_project_are_404_and_the_owners_feed_replays(
    gateway: Gateway, events: Events  # noqa: F811 (the fixtures imported above)
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    world = await studio_project(events, "alice")
    assert await stale(alice, world.project_id) == [False]  # never rendered
    job = await render(events, world, "alice", "Lava is hot.")

    names = await first_messages(alice, f"/api/v1/jobs/{job}/events", 3)
    assert names == ["connected", "progress", "completed"]
    for method, tail in (("GET", "events"), ("POST", "cancel"), ("POST", "retry"),
                         ("GET", "report"), ("GET", "captions.vtt")):
        theirs = await bob.request(method, f"/api/v1/jobs/{job}/{tail}")
        assert theirs.status_code == 404, (tail, theirs.text)
        assert theirs.headers["content-type"] == "application/json"
        assert theirs.json() == {"error": "Job not found"}
    theirs = await bob.post(f"/api/v1/projects/{world.project_id}/render")
    assert theirs.status_code == 404
    assert theirs.headers["content-type"] == "application/problem+json"
    assert json.loads(theirs.text)["detail"] == f"project {world.project_id} not found"

    # This world's script is not the project's studio script (its id is not
    # studio_script_id(project)), as the drafts of text2video jobs made before they drafted
    # their project's studio script: a render would find no script, so it is refused.
    legacy = await alice.post(f"/api/v1/projects/{world.project_id}/render")
    assert legacy.status_code == 409, legacy.text
    assert "text2video job" in legacy.json()["detail"]

    # Rendered as it reads: not stale; its text changed since: stale.
    assert await stale(alice, world.project_id) == [False]
    await events.apply("script", script_stream(world.script_id), SentenceTextChanged(
        script_id=world.script_id, project_id=world.project_id, sentence_id=world.sentence_id,
        section_id=world.section_id, text="Lava is very hot.", revision=2, changed_at=NOW,
    ), owner="alice", project_id=world.project_id)
    assert await stale(alice, world.project_id) == [True]
    # A newer render that narrated the new text makes it current again.
    await render(events, world, "alice", "Lava is very hot.")
    assert await stale(alice, world.project_id) == [False]


async def asset(log: Events, owner: str, *streams: MediaStream, stored: bool = True) -> UUID:
    """An editor asset of `owner`'s: uploaded, and stored with these streams."""
    asset_id, project_id = uuid4(), uuid4()
    stream = asset_stream_id(asset_id)
    await log.apply("media", stream, AssetUploadStarted(
        asset_id=asset_id, project_id=project_id, file_name="bed.m4a",
        content_type="audio/mp4", started_at=NOW), owner=owner, project_id=project_id)
    if stored:
        await log.apply("media", stream, AssetStored(
            asset_id=asset_id, project_id=project_id, blob_key=f"editor/{project_id}/bed.m4a",
            sha256="0" * 64, size_bytes=10, duration_s=30.0, streams=list(streams),
            segment_id=uuid4(), stored_at=NOW), owner=owner, project_id=project_id)
    return asset_id


AUDIO = MediaStream(kind="audio", codec="aac", sample_rate=48000, channels=2)
VIDEO = MediaStream(kind="video", codec="h264", width=640, height=360, fps=30.0)


async def test_music_must_be_the_callers_stored_audio_asset(
    gateway: Gateway, events: Events  # noqa: F811 (the fixtures imported above)
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    music = await asset(events, "alice", AUDIO)
    silent = await asset(events, "alice", VIDEO)
    uploading = await asset(events, "alice", stored=False)

    async def refused(client: httpx.AsyncClient, asset_id: UUID) -> str:
        response = await client.post("/api/v1/generate", json={
            "text": "Bees dance.", "sound": {"music": "upload", "music_asset_id": str(asset_id)}})
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"error"}
        return str(body["error"])

    # Another user's asset is answered as one that does not exist.
    assert await refused(bob, music) == f"sound.music_asset_id: no editor asset {music} of yours"
    nowhere = uuid4()
    assert await refused(alice, nowhere) == (
        f"sound.music_asset_id: no editor asset {nowhere} of yours")
    assert await refused(alice, silent) == f"sound.music_asset_id: asset {silent} has no audio"
    assert await refused(alice, uploading) == (
        f"sound.music_asset_id: asset {uploading} is uploading, not stored yet")


async def test_an_aura_job_s_details_hold_its_quality_report(
    gateway: Gateway, events: Events, settings: Settings  # noqa: F811 (the fixtures above)
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    job = uuid4()
    report = {"loudness": {"integrated_lufs": -14.1, "true_peak_dbtp": -1.2}}
    (settings.data_dir / "blobs" / "reports").mkdir(parents=True)
    (settings.data_dir / "blobs" / "reports" / f"{job}.json").write_bytes(
        json.dumps(report).encode())
    queued = ProductionQueued(
        production_id=job, project_id=job, kind="brief", text="", render=RenderSettings(),
        voice=VoiceSettings(), queued_at=NOW, brief=ProductionBrief(topic="Bees"))
    await events.apply("project", stream_id_for(job), queued, owner="alice", project_id=job)
    running = (await alice.get(f"/api/jobs/{job}")).json()
    assert running["quality"] is None
    await events.apply("project", stream_id_for(job), ProductionCompleted(
        production_id=job, video_key="v.mp4", subtitle_key=None, duration_s=1.0, size_bytes=1,
        at=NOW, report_key=f"reports/{job}.json"), owner="alice", project_id=job)
    assert (await alice.get(f"/api/jobs/{job}")).json()["quality"] == report
    # The page of jobs stays light; another user sees nothing of it.
    listed = (await alice.get("/api/jobs")).json()["jobs"]
    assert [j["quality"] for j in listed if j["jobId"] == str(job)] == [None]
    assert (await bob.get(f"/api/jobs/{job}")).status_code == 404

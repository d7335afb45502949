"""The studio's script workflow (seed 000, issue 4) over real HTTP, against the whole stack.

Generation (quick script, outlines, runs), and every bad input of issue 4 on those
endpoints: a clear 4xx problem+json, never a 500. The offline writer answers (no
OPENAI_* in the stack's environment); the broken-LLM cases are in test_studio_realtime.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.studio_scripts_client import (
    SseMessage,
    create_project,
    problem,
    quick_script,
    read_sse,
    run_to_end,
)

SECTION_KEYS = {"id", "projectId", "title", "order", "providerLabel", "sentences"}
SENTENCE_KEYS = {"id", "sectionId", "text", "order", "revision", "stale"}
OUTLINE_KEYS = {
    "id", "outlineId", "projectId", "title", "totalTargetMinutes", "sections", "status",
    "providerLabel", "jobId", "createdAt", "updatedAt",
}


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def project_detail(api: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    response = await api.get(f"/projects/{project_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def counts(script: dict[str, Any]) -> tuple[int, int]:
    sections = script["sections"]
    return len(sections), sum(len(s["sentences"]) for s in sections)


# --- quick-generate ---------------------------------------------------------------------------


async def test_quick_generate_replaces_the_sections_and_the_counts_follow(
    api: httpx.AsyncClient,
) -> None:
    project = await create_project(api)
    pid = project["id"]
    first = await quick_script(api, pid)
    assert first["projectId"] == pid
    assert first["providerLabel"] == "offline"
    sections = first["sections"]
    assert sections, first
    assert [s["order"] for s in sections] == list(range(len(sections)))
    for section in sections:
        assert set(section) == SECTION_KEYS
        assert section["projectId"] == pid
        assert [t["order"] for t in section["sentences"]] == list(range(len(section["sentences"])))
        for sentence in section["sentences"]:
            assert set(sentence) == SENTENCE_KEYS
            assert (sentence["sectionId"], sentence["revision"]) == (section["id"], 1)
            assert sentence["text"].strip()

    # The project shows it, and so does the list: real counts.
    detail = await project_detail(api, pid)
    assert detail["sections"] == sections
    n_sections, n_sentences = counts(first)
    assert (detail["sectionCount"], detail["sentenceCount"]) == (n_sections, n_sentences)
    listed = [p for p in (await api.get("/projects")).json() if p["id"] == pid]
    assert listed[0]["_count"] == {"sections": n_sections, "sentences": n_sentences}

    # A longer script, written again: the old sections are gone.
    response = await api.post(f"/projects/{pid}/quick-generate", json={"targetDuration": 4})
    assert response.status_code == 201, response.text
    second = response.json()
    assert counts(second)[1] > n_sentences
    old = sections[0]["id"]
    if old not in {s["id"] for s in second["sections"]}:
        problem(await api.get(f"/sections/{old}"), 404)
    assert (await project_detail(api, pid))["sections"] == second["sections"]


async def test_quick_generate_without_a_body_and_for_unknown_projects(
    api: httpx.AsyncClient,
) -> None:
    project = await create_project(api)
    response = await api.post(f"/projects/{project['id']}/quick-generate")
    assert response.status_code == 201, response.text
    for pid in (str(uuid.uuid4()), "not-a-uuid"):
        problem(await api.post(f"/projects/{pid}/quick-generate", json={}), 404)
    deleted = await create_project(api)
    assert (await api.delete(f"/projects/{deleted['id']}")).status_code == 200
    problem(await api.post(f"/projects/{deleted['id']}/quick-generate", json={}), 404)


async def test_the_cast_reaches_the_script(api: httpx.AsyncClient) -> None:
    project = await create_project(api, topic="Deep sea creatures")
    pid = project["id"]
    response = await api.post(
        f"/projects/{pid}/cast", json={"name": "Captain Nemo", "description": "a submariner"}
    )
    assert response.status_code == 201, response.text
    script = await quick_script(api, pid)
    text = " ".join(t["text"] for s in script["sections"] for t in s["sentences"])
    assert "Nemo" in text


# --- outlines -------------------------------------------------------------------------------


async def test_outline_generate_list_and_regenerate_a_section(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    response = await api.post(f"/projects/{pid}/generate-outline", json={"targetDuration": 3})
    assert response.status_code == 201, response.text
    outline = response.json()
    assert set(outline) == OUTLINE_KEYS
    assert outline["outlineId"] == outline["id"]
    assert (outline["status"], outline["providerLabel"]) == ("draft", "offline")
    assert outline["totalTargetMinutes"] == pytest.approx(3, rel=0.2)
    assert len(outline["sections"]) >= 2
    for section in outline["sections"]:
        assert set(section) == {"title", "summary", "targetMinutes", "keyPoints"}

    response = await api.post(f"/projects/{pid}/generate-outline")
    assert response.status_code == 201, response.text
    newer = response.json()
    listed = (await api.get(f"/projects/{pid}/outlines")).json()
    assert [o["id"] for o in listed] == [newer["id"], outline["id"]]

    response = await api.post(
        f"/outlines/{outline['id']}/regenerate-section",
        json={"sectionIndex": 1, "instructions": "focus on lava"},
    )
    assert response.status_code == 200, response.text
    regenerated = response.json()
    assert regenerated["id"] == outline["id"]
    assert regenerated["sections"][0] == outline["sections"][0]
    assert len(regenerated["sections"]) == len(outline["sections"])
    assert regenerated["updatedAt"] > outline["updatedAt"]


async def test_outline_bad_input(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    problem(await api.post(f"/projects/{uuid.uuid4()}/generate-outline", json={}), 404)
    problem(await api.get(f"/projects/{uuid.uuid4()}/outlines"), 404)
    problem(await api.get("/projects/nope/outlines"), 404)
    assert (await api.get(f"/projects/{pid}/outlines")).json() == []
    outline = (await api.post(f"/projects/{pid}/generate-outline", json={})).json()
    oid = outline["id"]
    for target in (str(uuid.uuid4()), "nope"):
        problem(await api.post(f"/outlines/{target}/regenerate-section",
                               json={"sectionIndex": 0}), 404)
    for index in (-1, len(outline["sections"]), 10_000):
        body = problem(await api.post(f"/outlines/{oid}/regenerate-section",
                                      json={"sectionIndex": index}), 400)
        assert body.get("field") == "sectionIndex", body
    for bad in ({}, {"sectionIndex": "first"}, {"sectionIndex": 1.5}):
        problem(await api.post(f"/outlines/{oid}/regenerate-section", json=bad), 400)
    assert (await api.get(f"/projects/{pid}/outlines")).json() == [outline]


# --- generation runs --------------------------------------------------------------------------


async def test_generate_script_short_runs_to_complete(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    response = await api.post(f"/projects/{pid}/generate-script-short",
                              json={"targetDuration": 2})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert set(accepted) == {"jobId", "status", "message", "estimatedDurationSeconds"}
    assert accepted["status"] == "queued"
    assert accepted["estimatedDurationSeconds"] > 0
    messages = await run_to_end(api, pid, accepted["jobId"])
    assert messages[0].event == "connected"
    assert messages[0].data == {"projectId": pid}
    progress = [m for m in messages if m.event == "progress"]
    assert progress[0].data["status"] == "queued"
    assert {"jobId", "status", "currentSection", "totalSections", "currentSectionTitle",
            "percentComplete", "sectionsCompleted"} == set(progress[-1].data)
    percents = [m.data["percentComplete"] for m in progress]
    assert percents == sorted(percents)
    assert progress[-1].data["sectionsCompleted"] == progress[-1].data["totalSections"]
    done = messages[-1]
    assert done.event == "complete"
    assert set(done.data) == {"jobId", "totalSentences", "totalDurationMinutes"}
    assert [m.position for m in messages[1:]] == list(
        range(messages[1].position, messages[1].position + len(messages) - 1)
    )
    # The finished run replaced the script; the counts say so.
    detail = await project_detail(api, pid)
    assert detail["sentenceCount"] == done.data["totalSentences"]
    assert detail["sectionCount"] == progress[-1].data["totalSections"]


async def test_generate_script_from_an_outline_approves_it(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    outline = (await api.post(f"/projects/{pid}/generate-outline", json={})).json()
    response = await api.post(
        f"/projects/{pid}/generate-script",
        json={"mode": "from-outline", "outlineId": outline["id"]},
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["jobId"]
    messages = await run_to_end(api, pid, job_id)
    assert messages[-1].event == "complete", messages[-1]
    [approved] = (await api.get(f"/projects/{pid}/outlines")).json()
    assert (approved["status"], approved["jobId"]) == ("approved", job_id)
    titles = [s["title"] for s in (await project_detail(api, pid))["sections"]]
    assert titles == [s["title"] for s in outline["sections"]]


async def test_generate_script_auto_by_default(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    response = await api.post(f"/projects/{pid}/generate-script", json={})
    assert response.status_code == 202, response.text
    messages = await run_to_end(api, pid, response.json()["jobId"])
    assert messages[-1].event == "complete"
    # "auto" wrote an outline of its own first.
    [outline] = (await api.get(f"/projects/{pid}/outlines")).json()
    assert outline["jobId"] == response.json()["jobId"]


BAD_SHORT: list[tuple[str, Any]] = [
    ("zero", {"targetDuration": 0}),
    ("eleven", {"targetDuration": 11}),
    ("negative", {"targetDuration": -1}),
    ("not a number", {"targetDuration": "x"}),
    ("a boolean", {"targetDuration": True}),
]
# Without a targetDuration (absent or null) the project's own is used: test_studio_bodies.py.


@pytest.mark.parametrize(("case", "body"), BAD_SHORT, ids=[c for c, _ in BAD_SHORT])
async def test_generate_script_short_bad_durations(
    api: httpx.AsyncClient, case: str, body: Any
) -> None:
    pid = (await create_project(api))["id"]
    failure = problem(await api.post(f"/projects/{pid}/generate-script-short", json=body), 400)
    assert failure.get("field") == "targetDuration", failure
    assert (await api.get(f"/projects/{pid}/outlines")).json() == []


async def test_generate_script_bad_input(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    failure = problem(
        await api.post(f"/projects/{pid}/generate-script", json={"mode": "from-outline"}), 400
    )
    assert failure["field"] == "outlineId"
    problem(await api.post(f"/projects/{pid}/generate-script", json={"mode": "later"}), 400)
    problem(await api.post(f"/projects/{pid}/generate-script",
                           json={"mode": "from-outline", "outlineId": "nope"}), 400)
    problem(await api.post(f"/projects/{pid}/generate-script",
                           json={"mode": "from-outline", "outlineId": str(uuid.uuid4())}), 404)
    # Another project's outline is not this project's.
    other = (await create_project(api))["id"]
    foreign = (await api.post(f"/projects/{other}/generate-outline", json={})).json()
    problem(await api.post(f"/projects/{pid}/generate-script",
                           json={"mode": "from-outline", "outlineId": foreign["id"]}), 404)
    problem(await api.post(f"/projects/{uuid.uuid4()}/generate-script", json={}), 404)
    problem(await api.post(f"/projects/{uuid.uuid4()}/generate-script-short",
                           json={"targetDuration": 2}), 404)


async def test_a_second_generation_while_one_runs_is_a_conflict(api: httpx.AsyncClient) -> None:
    """One run per project at a time: a start while a run is going gets 409.

    Four starts are sent at once. On a loaded machine the offline writer can finish a run
    before a later request even arrives, so more than one may be accepted; what must never
    happen is two runs of one project overlapping, which the project's feed shows.
    """
    pid = (await create_project(api))["id"]
    responses = await asyncio.gather(*[
        api.post(f"/projects/{pid}/generate-script-short", json={"targetDuration": 3})
        for _ in range(4)
    ])
    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 202, [r.text for r in responses]
    assert 409 in statuses, [r.text for r in responses]
    for response in responses:
        if response.status_code != 202:
            problem(response, 409)
    winners = [r.json()["jobId"] for r in responses if r.status_code == 202]
    unfinished = set(winners)

    def all_ended(message: SseMessage) -> bool:
        if message.event in ("complete", "error"):
            unfinished.discard(message.data["jobId"])
        return not unfinished

    # From the feed's start: a first connection replays only the latest run, and an
    # earlier winner may have ended before the stream opened.
    feed = await read_sse(api, pid, until=all_ended, last_event_id="0")
    owners = [m.data["jobId"] for m in feed if m.event != "connected"]
    # Runs never interleave: each winner's messages form one contiguous block.
    blocks = [job for i, job in enumerate(owners) if i == 0 or owners[i - 1] != job]
    assert sorted(blocks) == sorted(winners), owners
    assert feed[-1].event == "complete"
    # Once it has ended, the next one may start.
    response = await api.post(f"/projects/{pid}/generate-script-short",
                              json={"targetDuration": 1})
    assert response.status_code == 202, response.text

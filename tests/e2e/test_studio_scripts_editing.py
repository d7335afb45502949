"""Editing a studio script over real HTTP: sections, sentences, AI expansion, and every bad
input of issue 4 on them (unknown ids, reorder lists with missing/duplicate/foreign ids, a
move past the end, an empty accept, concurrent reorders).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.studio_scripts_client import create_project, problem, quick_script


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


@pytest.fixture
async def script(api: httpx.AsyncClient) -> dict[str, Any]:
    """A project with a quick script of at least two sections of two sentences."""
    project = await create_project(api, targetDuration=3)
    written = await quick_script(api, project["id"])
    assert len(written["sections"]) >= 2
    assert all(len(s["sentences"]) >= 2 for s in written["sections"])
    return written


async def section(api: httpx.AsyncClient, section_id: str) -> dict[str, Any]:
    response = await api.get(f"/sections/{section_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


async def sections_now(api: httpx.AsyncClient, project_id: str) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = (await api.get(f"/projects/{project_id}")).json()["sections"]
    return sections


async def test_get_section_with_ordered_sentences(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    first = script["sections"][0]
    assert await section(api, first["id"]) == first
    for bad in (str(uuid.uuid4()), "nope"):
        problem(await api.get(f"/sections/{bad}"), 404)


async def test_reorder_sections(api: httpx.AsyncClient, script: dict[str, Any]) -> None:
    pid, order = script["projectId"], ids(script["sections"])
    reversed_ids = order[::-1]
    response = await api.post("/sections/reorder",
                              json={"projectId": pid, "sectionIds": reversed_ids})
    assert response.status_code == 200, response.text
    assert ids(response.json()["sections"]) == reversed_ids
    assert [s["order"] for s in response.json()["sections"]] == list(range(len(order)))
    assert ids(await sections_now(api, pid)) == reversed_ids


async def test_reorder_sections_bad_lists(api: httpx.AsyncClient, script: dict[str, Any]) -> None:
    pid, order = script["projectId"], ids(script["sections"])
    other = await quick_script(api, (await create_project(api))["id"])
    bad_lists = {
        "missing one": order[1:],
        "one twice": [*order, order[0]],
        "one replaced by a twin": [order[0], *order[:-1]],
        "a foreign id": [*order[:-1], other["sections"][0]["id"]],
        "an unknown id": [*order, str(uuid.uuid4())],
        "empty": [],
    }
    for case, section_ids in bad_lists.items():
        body = problem(await api.post(
            "/sections/reorder", json={"projectId": pid, "sectionIds": section_ids}
        ), 400)
        assert body.get("field") == "sectionIds", (case, body)
    problem(await api.post("/sections/reorder", json={"projectId": pid,
                                                      "sectionIds": ["x"]}), 400)
    problem(await api.post("/sections/reorder", json={"sectionIds": order}), 400)
    problem(await api.post("/sections/reorder",
                           json={"projectId": str(uuid.uuid4()), "sectionIds": order}), 404)
    assert ids(await sections_now(api, pid)) == order


async def test_reorder_sentences_and_bad_lists(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    first, second = script["sections"][:2]
    order = ids(first["sentences"])
    rotated = [*order[1:], order[0]]
    response = await api.post("/sentences/reorder",
                              json={"sectionId": first["id"], "sentenceIds": rotated})
    assert response.status_code == 200, response.text
    assert ids(response.json()["sentences"]) == rotated
    assert ids((await section(api, first["id"]))["sentences"]) == rotated

    bad_lists = {
        "missing one": rotated[1:],
        "one twice": [*rotated, rotated[0]],
        "from another section": [*rotated[:-1], second["sentences"][0]["id"]],
        "unknown": [*rotated, str(uuid.uuid4())],
    }
    for case, sentence_ids in bad_lists.items():
        body = problem(await api.post(
            "/sentences/reorder", json={"sectionId": first["id"], "sentenceIds": sentence_ids}
        ), 400)
        assert body.get("field") == "sentenceIds", (case, body)
    problem(await api.post("/sentences/reorder",
                           json={"sectionId": str(uuid.uuid4()), "sentenceIds": rotated}), 404)
    assert ids((await section(api, first["id"]))["sentences"]) == rotated


async def test_concurrent_reorders_of_one_section_lose_no_update(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    """Each reorder is applied whole, in some order, or refused with 409: never a mix."""
    target = script["sections"][0]
    order = ids(target["sentences"])
    wanted = [order[i:] + order[:i] for i in range(len(order))] * 2
    responses = await asyncio.gather(*[
        api.post("/sentences/reorder", json={"sectionId": target["id"], "sentenceIds": w})
        for w in wanted
    ])
    applied = []
    for body, response in zip(wanted, responses, strict=True):
        if response.status_code == 200:
            applied.append(body)
        else:
            problem(response, 409)
    assert applied
    final = ids((await section(api, target["id"]))["sentences"])
    assert sorted(final) == sorted(order)
    assert final in applied


async def test_move_sentence_across_sections_and_past_the_end(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    first, second = script["sections"][:2]
    moving = first["sentences"][0]
    response = await api.post(f"/sentences/{moving['id']}/move",
                              json={"targetSectionId": second["id"], "position": 1})
    assert response.status_code == 200, response.text
    moved = response.json()
    assert (moved["sectionId"], moved["order"], moved["text"]) == (second["id"], 1, moving["text"])
    after = await section(api, second["id"])
    assert ids(after["sentences"]) == [second["sentences"][0]["id"], moving["id"],
                                       *ids(second["sentences"][1:])]
    assert ids((await section(api, first["id"]))["sentences"]) == ids(first["sentences"][1:])

    # Past the end: clamped to the end, every time (the documented choice).
    response = await api.post(f"/sentences/{moving['id']}/move",
                              json={"targetSectionId": first["id"], "position": 10_000})
    assert response.status_code == 200, response.text
    assert response.json()["order"] == len(first["sentences"]) - 1
    assert ids((await section(api, first["id"]))["sentences"])[-1] == moving["id"]


async def test_move_bad_input(api: httpx.AsyncClient, script: dict[str, Any]) -> None:
    first, second = script["sections"][:2]
    sid = first["sentences"][0]["id"]
    other = await quick_script(api, (await create_project(api))["id"])
    problem(await api.post(f"/sentences/{sid}/move",
                           json={"targetSectionId": second["id"], "position": -1}), 400)
    problem(await api.post(f"/sentences/{sid}/move",
                           json={"targetSectionId": second["id"], "position": "end"}), 400)
    problem(await api.post(f"/sentences/{sid}/move", json={"position": 0}), 400)
    problem(await api.post(f"/sentences/{sid}/move",
                           json={"targetSectionId": str(uuid.uuid4()), "position": 0}), 404)
    problem(await api.post(f"/sentences/{sid}/move",
                           json={"targetSectionId": other["sections"][0]["id"],
                                 "position": 0}), 400)
    for bad in (str(uuid.uuid4()), "nope"):
        problem(await api.post(f"/sentences/{bad}/move",
                               json={"targetSectionId": second["id"], "position": 0}), 404)
    assert (await section(api, first["id"]))["sentences"] == first["sentences"]


async def test_update_and_delete_a_sentence(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    target = script["sections"][0]
    sentence = target["sentences"][1]
    response = await api.put(f"/sentences/{sentence['id']}",
                             json={"text": "Lava is molten rock that reached the surface."})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["text"] == "Lava is molten rock that reached the surface."
    assert (updated["revision"], updated["order"]) == (2, 1)
    problem(await api.put(f"/sentences/{sentence['id']}", json={"text": "   "}), 400)
    problem(await api.put(f"/sentences/{sentence['id']}", json={"text": 5}), 400)
    problem(await api.put(f"/sentences/{sentence['id']}", json={}), 400)
    problem(await api.put(f"/sentences/{uuid.uuid4()}", json={"text": "x"}), 404)

    response = await api.delete(f"/sentences/{sentence['id']}")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    after = await section(api, target["id"])
    assert sentence["id"] not in ids(after["sentences"])
    assert [s["order"] for s in after["sentences"]] == list(range(len(after["sentences"])))
    problem(await api.delete(f"/sentences/{sentence['id']}"), 404)
    problem(await api.put(f"/sentences/{sentence['id']}", json={"text": "back"}), 404)
    problem(await api.delete("/sentences/nope"), 404)
    detail = (await api.get(f"/projects/{script['projectId']}")).json()
    assert detail["sentenceCount"] == sum(len(s["sentences"]) for s in script["sections"]) - 1


async def test_ai_expand_suggests_then_accept_inserts(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    target = script["sections"][0]
    response = await api.post(f"/sections/{target['id']}/ai-expand", json={})
    assert response.status_code == 200, response.text
    suggested = response.json()
    assert suggested["sectionId"] == target["id"]
    assert suggested["providerLabel"] == "offline"
    assert suggested["suggestions"]
    assert all(isinstance(s, str) and s.strip() for s in suggested["suggestions"])
    # Suggestions only: nothing changed.
    assert await section(api, target["id"]) == target

    response = await api.post(f"/sections/{target['id']}/ai-expand/accept",
                              json={"sentences": suggested["suggestions"][:2], "position": 1})
    assert response.status_code == 201, response.text
    texts = [s["text"] for s in response.json()["sentences"]]
    assert texts[1:3] == suggested["suggestions"][:2]
    assert texts[0] == target["sentences"][0]["text"]
    assert len(texts) == len(target["sentences"]) + 2
    # No position: appended; past the end: appended too.
    bodies: list[dict[str, Any]] = [
        {"sentences": ["At the end."]}, {"sentences": ["Also at the end."], "position": 999},
    ]
    for body in bodies:
        response = await api.post(f"/sections/{target['id']}/ai-expand/accept", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["sentences"][-1]["text"] == body["sentences"][0]


async def test_ai_expand_bad_input(api: httpx.AsyncClient, script: dict[str, Any]) -> None:
    target = script["sections"][0]
    for bad in (str(uuid.uuid4()), "nope"):
        problem(await api.post(f"/sections/{bad}/ai-expand", json={}), 404)
        problem(await api.post(f"/sections/{bad}/ai-expand/accept",
                               json={"sentences": ["x"]}), 404)
    body = problem(await api.post(f"/sections/{target['id']}/ai-expand/accept",
                                  json={"sentences": []}), 400)
    assert body.get("field") == "sentences", body
    problem(await api.post(f"/sections/{target['id']}/ai-expand/accept",
                           json={"sentences": ["  "]}), 400)
    problem(await api.post(f"/sections/{target['id']}/ai-expand/accept", json={}), 400)
    problem(await api.post(f"/sections/{target['id']}/ai-expand/accept",
                           json={"sentences": ["ok"], "position": -2}), 400)
    assert await section(api, target["id"]) == target


async def test_a_deleted_project_takes_its_script_with_it(
    api: httpx.AsyncClient, script: dict[str, Any]
) -> None:
    pid = script["projectId"]
    target = script["sections"][0]
    sentence = target["sentences"][0]
    outline = (await api.post(f"/projects/{pid}/generate-outline", json={})).json()
    assert (await api.delete(f"/projects/{pid}")).status_code == 200
    problem(await api.get(f"/sections/{target['id']}"), 404)
    problem(await api.put(f"/sentences/{sentence['id']}", json={"text": "x"}), 404)
    problem(await api.post(f"/sentences/{sentence['id']}/move",
                           json={"targetSectionId": target["id"], "position": 0}), 404)
    problem(await api.post(f"/outlines/{outline['id']}/regenerate-section",
                           json={"sectionIndex": 0}), 404)
    problem(await api.post("/sections/reorder",
                           json={"projectId": pid, "sectionIds": ids(script["sections"])}), 404)

"""What `/schema` says of doc 003's routes: their bodies' limits, their 422s and 503s, and
links from what creates a job or a task to what reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videogen_contracts.script.manim import QUALITIES
from videogen_gateway.app import create_app
from videogen_runtime.settings import Settings


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(database_url="postgresql://unused/db", nats_url="nats://unused:4222",
                        namespace="openapi", data_dir=Path(tmp_path_factory.mktemp("data")))
    document: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    return document


def test_every_post_declares_its_422_and_503_and_links_to_its_reader(
    schema: dict[str, Any],
) -> None:
    ids = {op.get("operationId") for methods in schema["paths"].values() for op in methods.values()}
    posts = {path: methods["post"] for path, methods in schema["paths"].items()
             if path.startswith(("/api/v1/video/agents", "/api/v1/video-generation"))
             and "post" in methods}
    assert len(posts) == 7, sorted(posts)
    for path, op in posts.items():
        assert {"422", "503"} <= set(op["responses"]), path
        assert op["responses"]["422"]["content"].keys() == {"application/problem+json"}
        links = op["responses"]["200"]["links"]
        assert links, path
        assert all(link["operationId"] in ids for link in links.values()), path


def test_the_generate_body_states_the_contract_s_limits(schema: dict[str, Any]) -> None:
    op = schema["paths"]["/api/v1/video-generation/generate"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["project_id", "content_prompt"]
    prompt = body["properties"]["content_prompt"]
    assert (prompt["minLength"], prompt["maxLength"]) == (10, 20_000)
    count = body["properties"]["scene_count"]
    assert (count["minimum"], count["maximum"], count["default"]) == (1, 20, 3)
    quality = body["properties"]["render_config"]["properties"]["quality"]
    assert sorted(quality["enum"]) == sorted(QUALITIES)


def test_the_result_s_202_and_the_feeds_event_streams_are_declared(
    schema: dict[str, Any],
) -> None:
    paths = schema["paths"]
    result = paths["/api/v1/video-generation/tasks/{task_id}/result"]["get"]["responses"]
    assert result["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TaskResultOut")
    assert result["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TaskStatusOut")
    for feed in ("tasks/{task_id}", "projects/{project_id}"):
        ok = paths[f"/api/v1/video-generation/{feed}/events"]["get"]["responses"]["200"]
        assert ok["content"].keys() == {"text/event-stream"}, feed


def test_a_body_that_needs_one_of_two_fields_says_so(schema: dict[str, Any]) -> None:
    op = schema["paths"]["/api/v1/video/agents/render/combine"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert [branch["required"] for branch in body["anyOf"]] == [["session_id"], ["topic"]]

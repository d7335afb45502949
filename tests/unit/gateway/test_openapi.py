"""What `/schema` declares: limits, error shapes per surface, links from create operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videogen_gateway.app import create_app
from videogen_runtime.settings import Settings


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(
        database_url="postgresql://unused/db", nats_url="nats://unused:4222",
        namespace="openapi", data_dir=Path(tmp_path_factory.mktemp("data")),
    )
    document: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    return document


def operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["paths"][path][method]
    return found


def error_media(op: dict[str, Any], status: str) -> tuple[str, dict[str, Any]]:
    ((media, body),) = op["responses"][status]["content"].items()
    return media, body["schema"]


def test_text2video_errors_are_declared_as_exactly_error(schema: dict[str, Any]) -> None:
    for method, path, statuses in [
        ("post", "/api/v1/generate", ("400", "413", "500")),
        ("get", "/api/v1/status/{job_id}", ("400", "404")),
        ("get", "/api/v1/download/{job_id}", ("400", "404", "416", "500")),
        ("get", "/api/v1/jobs", ("500",)),
    ]:
        for status in statuses:
            media, body = error_media(operation(schema, method, path), status)
            assert media == "application/json"
            resolved = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
            assert set(resolved["properties"]) == {"error"}
            assert resolved["required"] == ["error"]


def test_studio_errors_are_problems_and_no_route_keeps_litestar_s_400(
    schema: dict[str, Any],
) -> None:
    for path, methods in schema["paths"].items():
        if not path.startswith(("/api/v1/projects", "/api/v1/sections", "/api/v1/sentences",
                                "/api/v1/outlines", "/api/v1/inngest", "/api/v1/generate",
                                "/api/v1/status", "/api/v1/jobs")):
            continue
        for method, op in methods.items():
            if "generation-status" in path:
                continue  # the SSE stream's route (studio_status.py)
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert "status_code" not in str(response), (method, path, status)


def test_create_operations_link_to_the_operations_that_take_their_ids(
    schema: dict[str, Any],
) -> None:
    ids = {op.get("operationId") for methods in schema["paths"].values() for op in methods.values()}
    created = operation(schema, "post", "/api/v1/projects")["responses"]["201"]["links"]
    assert {"GetProject", "UpdateProject", "GenerateScriptShort", "AddCastMember"} <= set(created)
    started = operation(schema, "post", "/api/v1/generate")["responses"]["202"]["links"]
    assert started["status"]["parameters"] == {"job_id": "$response.body#/job_id"}
    for link in [*created.values(), *started.values()]:
        assert link["operationId"] in ids


def test_bodies_declare_their_limits(schema: dict[str, Any]) -> None:
    project = schema["components"]["schemas"]["ProjectBody"]
    assert project["required"] == ["topic"]
    assert (project["properties"]["topic"]["minLength"],
            project["properties"]["topic"]["maxLength"]) == (1, 500)
    batch = schema["components"]["schemas"]["CastBatchBody"]["properties"]["characters"]
    assert (batch["minItems"], batch["maxItems"]) == (1, 100)
    generate = operation(schema, "post", "/api/v1/generate")["requestBody"]
    text = generate["content"]["application/json"]["schema"]
    assert text["required"] == ["text"]
    assert text["properties"]["text"]["minLength"] == 1
    intake = operation(schema, "post", "/api/v1/inngest")["requestBody"]
    event = intake["content"]["application/json"]["schema"]["anyOf"][0]
    assert event["properties"]["name"]["enum"] == [
        "script/generate.requested", "script/outline.requested",
    ]

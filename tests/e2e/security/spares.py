"""Spares of A's for the operations that destroy what they name (matrix_table.DESTRUCTIVE):
the owner and the admin each delete one of these, never one of the world's own."""

from __future__ import annotations

import httpx

from tests.e2e.security.matrix_table import Operation
from tests.e2e.security.world import World, ok


async def spare_values(
    op: Operation, index: int, world: World, alice: httpx.AsyncClient, admin: httpx.AsyncClient
) -> dict[str, str]:
    """The path values of a spare for `op` (`index` 0 for the owner, 1 for the admin)."""
    match op.path:
        case "/api/v1/projects/{project_id}":
            made = ok(await alice.post("/api/v1/projects", json={"topic": "spare"}), 201)
            return {"project_id": made["id"]}
        case "/api/v1/projects/{project_id}/cast/{character_id}":
            return {"project_id": world.studio_project,
                    "character_id": world.spare_characters[index]}
        case "/api/v1/sentences/{sentence_id}":
            return {"sentence_id": world.spare_sentences[index]}
        case "/api/project/{project_id}":
            made = ok(await alice.post("/api/project", json={"name": "spare"}))
            return {"project_id": made["id"]}
        case "/api/segment/{segment_id}":
            return {"segment_id": world.spare_segments[index]}
        case "/api/admin/keys/{key_id}":
            made = ok(await admin.post("/api/admin/keys", json={"user": "alice", "name": "spare"}),
                      201)
            return {"key_id": made["key_id"]}
    raise AssertionError(f"no spare for {op.method} {op.path}: add one to spares.py")

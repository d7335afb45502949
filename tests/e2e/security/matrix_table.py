"""The authorisation matrix's tables: what each path parameter of the OpenAPI is in A's world,
which operations are public or admin-only, and which ones destroy what they name.

An operation of `/schema` whose path parameter is not in PARAMS has no row here, and the
matrix fails on it (test_matrix.py): a new endpoint is covered the day it is added, or the
suite says which table to extend.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

# The OpenAPI document and its viewers (/schema, /schema/openapi.json, /schema/swagger...),
# public whichever of them the document lists.
SCHEMA_PREFIX = "/schema"
# (path prefix, parameter name) -> the World attribute that holds A's value for it. The
# prefix tells apart parameters that share a name on different surfaces (three surfaces
# have a `project_id`, four a `job_id`).
PARAMS: dict[tuple[str, str], str] = {
    ("/api/v1/projects/", "project_id"): "studio_project",
    ("/api/v1/projects/", "character_id"): "character",
    ("/api/v1/outlines/", "outline_id"): "outline",
    ("/api/v1/sections/", "section_id"): "section",
    ("/api/v1/sentences/", "sentence_id"): "sentence",
    ("/api/v1/status/", "job_id"): "t2v_job",
    ("/api/v1/download/", "job_id"): "t2v_job",
    ("/api/v1/jobs/", "job_id"): "t2v_job",
    ("/api/jobs/", "job_id"): "aura_job",
    ("/api/project/", "project_id"): "editor_project",
    ("/api/project/", "asset_id"): "asset",
    ("/api/segment/", "segment_id"): "segment",
    ("/api/job/", "job_id"): "ai_job",
    ("/api/variant/", "variant_id"): "variant",
    ("/api/export/", "export_job_id"): "export_job",
    ("/api/editor/files/", "key"): "frame_key",
    ("/api/v1/video-generation/projects/", "project_id"): "manim_project",
    ("/api/v1/video-generation/tasks/", "task_id"): "task",
    ("/api/v1/video/agents/jobs/", "job_id"): "agent_job",
    ("/api/v1/video/files/", "key"): "manim_file_key",
    ("/api/admin/keys/", "key_id"): "api_key",
}
# Path parameters that are not ids (access/ownership.py's NOT_IDS): the same for everyone.
NOT_IDS: dict[tuple[str, str], str] = {
    ("/api/providers/", "name"): "offline",
    (SCHEMA_PREFIX + "/", "path"): "openapi.json",
}

# No credentials needed (route_opts.PUBLIC). /schema and /metrics are outside the OpenAPI.
PUBLIC: set[tuple[str, str]] = {
    ("GET", "/api/health/live"), ("GET", "/health/live"),
    ("GET", "/api/health/ready"), ("GET", "/health/ready"),
    ("GET", "/api/health"), ("GET", "/api/v1/health"),
}

# Only an admin (route_opts.ADMIN_ONLY): the keys, and the deployment's provider settings.
ADMIN_ONLY: set[tuple[str, str]] = {
    ("PUT", "/api/settings"),
    ("POST", "/api/admin/keys"), ("GET", "/api/admin/keys"),
    ("DELETE", "/api/admin/keys/{key_id}"),
}
# Operations that remove what they name: the owner and the admin each act on a spare of
# A's (world.py makes them, or spares.py on demand), so the world stays whole for the
# rest of the package; the wrong user aims at the world's own and must get a 404.
DESTRUCTIVE: set[tuple[str, str]] = {
    ("DELETE", "/api/v1/projects/{project_id}"),
    ("DELETE", "/api/v1/projects/{project_id}/cast/{character_id}"),
    ("DELETE", "/api/v1/sentences/{sentence_id}"),
    ("DELETE", "/api/project/{project_id}"),
    ("DELETE", "/api/segment/{segment_id}"),
    ("DELETE", "/api/admin/keys/{key_id}"),
}
# Operations that change the state of what they name without removing it (cancel, retry,
# accept): run after all the others, so every read above saw the world as it was made.
LATE: set[tuple[str, str]] = {
    ("POST", "/api/jobs/{job_id}/cancel"), ("POST", "/api/jobs/{job_id}/retry"),
    ("DELETE", "/api/v1/video-generation/tasks/{task_id}"),
    ("POST", "/api/variant/{variant_id}/accept"),
}
# Operations on a name the client chooses (a Manim project): a free name is not a 404 (its
# feed waits for the project to begin), so B's 404 on A's name cannot read like one.
CLIENT_NAMED: set[tuple[str, str]] = {
    ("GET", "/api/v1/video-generation/projects/{project_id}/events"),
}
# Query strings an operation needs to do its work for its owner (a signed upload URL).
QUERIES: dict[tuple[str, str], str] = {
    ("PUT", "/api/project/{project_id}/upload/{asset_id}"): "upload_query",
    ("POST", "/api/project/{project_id}/upload/{asset_id}"): "upload_query",
}
# Lists whose owner's answer must hold A's id (so that B's answer not holding it means
# something).
OWNER_LISTS: dict[str, str] = {
    "/api/v1/projects": "studio_project",
    "/api/v1/jobs": "t2v_job",
    "/api/jobs": "aura_job",
    "/api/project": "editor_project",
}
# Doc 004's paths answer errors as exactly {"error": ...}; every other one problem+json.
TEXT2VIDEO = re.compile(r"^/api/v1/(generate|status/|download/|jobs$|jobs/)")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the OpenAPI writes it, e.g. /api/jobs/{job_id}
    has_body: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)

    def row(self, name: str) -> tuple[str, str] | None:
        """The PARAMS or NOT_IDS key of one of its parameters, or None (not in the matrix)."""
        for table in (PARAMS, NOT_IDS):
            for prefix, param in table:
                if param == name and self.path.startswith(prefix):
                    return (prefix, param)
        return None

    @property
    def public(self) -> bool:
        return self.key in PUBLIC or self.path.split("/")[1] == SCHEMA_PREFIX[1:]

    @property
    def has_ids(self) -> bool:
        return any(self.row(name) in PARAMS for name in self.params)

    @property
    def problem_shape(self) -> bool:
        return not TEXT2VIDEO.match(self.path)

    def url(self, values: dict[str, str], query: str = "") -> str:
        path = _PARAM.sub(lambda m: values[m.group(1)], self.path)
        return f"{path}?{query}" if query else path


def operations(schema: dict[str, object]) -> list[Operation]:
    found = []
    paths = schema["paths"]
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Operation(method.upper(), path, "requestBody" in op))
    return sorted(found, key=lambda o: (o.key in DESTRUCTIVE, o.key in LATE, o.path, o.method))


def unknown_like(value: str) -> str:
    """An id of the same kind as `value` that nobody owns (the uuid in it replaced)."""
    if _UUID.search(value):
        return _UUID.sub(lambda _: str(uuid.uuid4()), value)
    return f"{value}_{uuid.uuid4().hex[:8]}"

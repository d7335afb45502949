"""Every path parameter of every route is either not an id (`NOT_IDS`) or an id whose
kind the ownership guard knows, so its 404 is the route's own: a new endpoint with a new
kind of id fails here until access/ownership.py learns it."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from litestar.handlers import BaseRouteHandler
from litestar.routes import HTTPRoute, WebSocketRoute
from videogen_contracts.script.manim import manim_project_key, manim_session_key
from videogen_gateway.access.ownership import _GENERIC, NOT_IDS, id_kind
from videogen_gateway.access.route_opts import is_admin_only, is_public
from videogen_gateway.app import create_app
from videogen_gateway.errors import ApiError
from videogen_gateway.runtime import GatewayOptions
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)


def test_every_path_id_has_a_known_kind(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path), GatewayOptions())
    # Public and admin-only routes are nobody's: an admin passes ownership anyway.
    def handlers(route: HTTPRoute | WebSocketRoute) -> list[BaseRouteHandler]:
        return list(route.route_handlers) if isinstance(route, HTTPRoute) else [
            route.route_handler]

    unknown = [
        (route.path, name) for route in app.routes
        if isinstance(route, HTTPRoute | WebSocketRoute)
        and not all(is_public(h.opt) or is_admin_only(h.opt) for h in handlers(route))
        for name in route.path_parameters if name not in NOT_IDS
        and id_kind(route.path, name) is _GENERIC
    ]
    assert unknown == []


def test_the_ids_a_path_names_are_resolved_as_they_are_filed() -> None:
    pid, key = uuid4(), manim_session_key("session_1234abcd")
    project = id_kind("/api/v1/projects/x", "project_id")
    assert project.resource(str(pid).upper()) == str(pid)
    assert project.resource("../etc/passwd") is None
    feed = id_kind("/api/v1/video-generation/projects/demo/events", "project_id")
    assert feed.resource("demo") == str(manim_project_key("demo"))
    manim_file = id_kind("/api/v1/video/files/x", "key")
    assert manim_file.resource(f"/manim/{key}/scene_1.mp4") == str(key)
    assert manim_file.resource("manim/../../upload.key") is None
    editor_file = id_kind("/api/editor/files/x", "key")
    assert editor_file.resource(f"editor/{pid}/frames/ab-f1-w320-x.jpg") == str(pid)


def test_a_404_says_what_the_route_says_of_an_unknown_id() -> None:
    pid = uuid4()

    def detail(path: str, name: str, raw: str) -> str:
        error = id_kind(path, name).not_found(raw)
        assert isinstance(error, ApiError)
        assert error.status == 404
        return error.detail

    assert detail("/api/v1/projects/x", "project_id", str(pid)) == f"project {pid} not found"
    assert detail("/api/v1/projects/x", "project_id", "nope") == "project 'nope' not found"
    assert detail("/api/v1/status/x", "job_id", str(pid)) == "Job not found"
    assert detail("/api/export/x", "export_job_id", "nope") == "export 'nope' not found"
    assert detail("/api/v1/projects/x/cast/y", "character_id", str(pid)) == (
        f"character {pid} is not in the cast")

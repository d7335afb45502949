"""The composition root of the gateway: `create_app(settings)`."""

from __future__ import annotations

import time

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.openapi import OpenAPIConfig
from litestar.types import Receive, Scope, Send
from structlog.contextvars import bound_contextvars
from videogen_runtime.settings import Settings

from videogen_gateway.access.authn import authenticated
from videogen_gateway.access.guard import authorize
from videogen_gateway.access.headers import SecurityHeaders, cors_config
from videogen_gateway.access.key_routes import admin_keys_router
from videogen_gateway.access.limits import release_admission
from videogen_gateway.access.me_routes import me_router
from videogen_gateway.access.route_opts import PUBLIC
from videogen_gateway.allowed_methods import answer_options
from videogen_gateway.errors import EXCEPTION_HANDLERS
from videogen_gateway.health.routes import health_router
from videogen_gateway.lifespan import lifespans
from videogen_gateway.observability import RequestObserver, metrics_router
from videogen_gateway.openapi import declare_common_errors
from videogen_gateway.runtime import MAX_BODY_BYTES, GatewayOptions, Runtime
from videogen_gateway.studio_web.routes import studio_web_router
from videogen_gateway.surfaces.aura.job_routes import aura_router
from videogen_gateway.surfaces.aura.system_routes import aura_system_router
from videogen_gateway.surfaces.editor.ai_routes import ai_router
from videogen_gateway.surfaces.editor.ai_status_routes import ai_status_router
from videogen_gateway.surfaces.editor.export_routes import editor_export_router
from videogen_gateway.surfaces.editor.file_routes import editor_files_router
from videogen_gateway.surfaces.editor.grade_routes import grade_router
from videogen_gateway.surfaces.editor.identity_routes import editor_identity_router
from videogen_gateway.surfaces.editor.preview_routes import preview_router
from videogen_gateway.surfaces.editor.project_routes import editor_project_router
from videogen_gateway.surfaces.editor.score_routes import score_router
from videogen_gateway.surfaces.editor.segment_routes import segment_router
from videogen_gateway.surfaces.editor.upload_routes import editor_upload_router
from videogen_gateway.surfaces.editor.variant_routes import variant_router
from videogen_gateway.surfaces.manim.agent_routes import manim_agents_router
from videogen_gateway.surfaces.manim.feed_routes import manim_feeds_router
from videogen_gateway.surfaces.manim.file_routes import manim_files_router
from videogen_gateway.surfaces.manim.task_routes import manim_tasks_router
from videogen_gateway.surfaces.studio.editing_routes import studio_editing_router
from videogen_gateway.surfaces.studio.inngest_routes import inngest_router
from videogen_gateway.surfaces.studio.project_routes import studio_router
from videogen_gateway.surfaces.studio.render_routes import studio_render_router
from videogen_gateway.surfaces.studio.script_routes import studio_scripts_router
from videogen_gateway.surfaces.studio.status_routes import studio_status_router
from videogen_gateway.surfaces.studio.websocket import studio_socket
from videogen_gateway.surfaces.text2video.routes import text2video_router
from videogen_gateway.system.context import SystemContext
from videogen_gateway.unavailable import UNAVAILABLE_HANDLERS


class GatewayApp(Litestar):
    """Litestar, with a correlation id, metrics and the security headers around every HTTP
    request, and the caller's principal around every HTTP and WebSocket request, outside
    its routing (observability.py and access/authn.py say why)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        inner = super().__call__
        if scope["type"] == ScopeType.WEBSOCKET:
            await authenticated(self.state, inner, scope, receive, send)
            return
        if scope["type"] != ScopeType.HTTP:
            await inner(scope, receive, send)
            return
        observer = RequestObserver(scope, SecurityHeaders(scope, send))
        started = time.perf_counter()
        with bound_contextvars(correlation_id=observer.correlation_id):
            try:
                await authenticated(self.state, inner, scope, receive, observer)
            finally:
                observer.record(scope, started)
                await release_admission(scope, self.state)


def create_app(settings: Settings, options: GatewayOptions | None = None) -> Litestar:
    runtime = Runtime(settings, options or GatewayOptions.from_env())
    app = GatewayApp(
        route_handlers=[
            studio_router(), studio_scripts_router(), studio_editing_router(),
            studio_status_router(), inngest_router(), studio_socket,
            text2video_router(), health_router(), metrics_router(), aura_system_router(),
            aura_router(),
            me_router(), editor_identity_router(), editor_project_router(), editor_upload_router(),
            segment_router(), preview_router(), grade_router(), editor_files_router(),
            editor_export_router(), ai_router(), variant_router(), score_router(),
            ai_status_router(),
            manim_agents_router(), manim_tasks_router(), manim_feeds_router(),
            manim_files_router(), admin_keys_router(),
            studio_render_router(),
            studio_web_router(),
        ],
        # Every route, WebSockets included: access/guard.py (scope, ownership, limits).
        guards=[authorize],
        before_request=answer_options,
        lifespan=lifespans(),
        exception_handlers={**EXCEPTION_HANDLERS, **UNAVAILABLE_HANDLERS},
        request_max_body_size=MAX_BODY_BYTES,
        cors_config=cors_config(runtime.options.cors_origins),
        openapi_config=OpenAPIConfig(
            title="VideoGen gateway", version="0.1.0",
            description="One backend behind the five studio APIs.",
            # The document is public: it says what the API is, not what anyone holds.
            # Not in itself: Litestar leaves the document's own routes out of it only for
            # the router it makes.
            openapi_router=Router("/schema", route_handlers=[], opt=PUBLIC,
                                  include_in_schema=False),
        ),
        state=State({"runtime": runtime, "system": SystemContext.of(runtime)}),
        # Our own structlog JSON logs (and the 500 handler) cover what Litestar would log.
        logging_config=None,
    )
    declare_common_errors(app, runtime.options.auth)
    return app

"""The editor's health (doc 002): `GET /api/health`. Its `GET /api/me` is the gateway's
(access/me_routes.py): the authenticated caller.

`/api/health` is liveness only, like `/api/health/live` (which Aura's clients and the
launcher use, as `/api/health/ready`; both stay as they are): 200 while the process
serves. What is down is readiness's business, and answering 503 here would make an
editor client show "server offline" when only one service restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import msgspec
from litestar import Router, get
from videogen_gateway.access.route_opts import PUBLIC


class EditorHealthOut(msgspec.Struct, kw_only=True):
    status: Literal["ok"]
    timestamp: datetime


@get("/health", summary="Liveness of the editor API", cache=False, opt=PUBLIC)
async def editor_health() -> EditorHealthOut:
    return EditorHealthOut(status="ok", timestamp=datetime.now(UTC))


def editor_identity_router() -> Router:
    return Router("/api", route_handlers=[editor_health], tags=["editor"])

"""The editor's health and identity (doc 002): `GET /api/health`, `GET /api/me`.

`/api/health` is liveness only, like `/api/health/live` (which Aura's clients and the
launcher use, as `/api/health/ready`; both stay as they are): 200 while the process
serves. What is down is readiness's business, and answering 503 here would make an
editor client show "server offline" when only one service restarts.

There is no authentication yet, so every request is the one local user; `auth: "none"`
says so, and a client that shows the profile has something true to show.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import msgspec
from litestar import Router, get


class EditorHealthOut(msgspec.Struct, kw_only=True):
    status: Literal["ok"]
    timestamp: datetime


class UserOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    email: str
    auth: Literal["none"]


LOCAL_USER = UserOut(id="local", name="Local user", email="local@localhost", auth="none")


@get("/health", summary="Liveness of the editor API", cache=False)
async def editor_health() -> EditorHealthOut:
    return EditorHealthOut(status="ok", timestamp=datetime.now(UTC))


@get("/me", summary="The current user's profile (the local user: no authentication yet)")
async def me() -> UserOut:
    return LOCAL_USER


def editor_identity_router() -> Router:
    return Router("/api", route_handlers=[editor_health, me], tags=["editor"])

"""Whether this deployment can render Manim scenes: asked of the media service, which runs
them, by the gateway (doc 003's endpoints answer 503 with `reason` when it cannot) and shown
in `/api/ai/health`."""

from __future__ import annotations

from typing import Literal

import msgspec

SandboxKind = Literal["bwrap", "unshare"]


class GetManimStatus(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ManimStatus(msgspec.Struct, frozen=True, kw_only=True):
    # Both Manim and a sandbox work: renders can run.
    available: bool
    # The sandbox renders run in: bubblewrap, or the unshare + setpriv fallback (said in
    # `reason`); None when neither works, and then nothing is rendered.
    sandbox: SandboxKind | None = None
    manim_version: str | None = None
    # Why not available, or what is degraded ("bwrap unavailable: …; using unshare").
    reason: str = ""


MANIM_STATUS_QUERIES: dict[str, type[msgspec.Struct]] = {"manim_status": GetManimStatus}

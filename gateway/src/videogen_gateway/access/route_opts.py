"""What a route says about its access, in its `opt=` (read by the guard, guard.py).

Every route is private by default: it needs an authenticated caller with the scope of its
method (`read` for GET/HEAD, `write` otherwise), and every id in its path must be one of the
caller's (ownership.py). A route opts out only by saying so here, so an endpoint added
later is covered without anyone remembering to.
"""

from __future__ import annotations

from typing import Any

# No credentials needed: liveness and readiness probes, the OpenAPI document, /metrics.
PUBLIC: dict[str, Any] = {"public": True}
# Only an admin (key management, the deployment's provider settings).
ADMIN_ONLY: dict[str, Any] = {"admin": True}


def costly(kind: str) -> dict[str, Any]:
    """An expensive operation (it starts a job or stores a file): rate-limited per user,
    and counted against the concurrent-job and queue-depth limits (limits.py). `kind`
    names its bucket: "generate", "aura_job", "ai_edit", "manim", "export", "upload"."""
    return {"cost": kind}


def is_public(opt: dict[str, Any]) -> bool:
    return bool(opt.get("public"))


def is_admin_only(opt: dict[str, Any]) -> bool:
    return bool(opt.get("admin"))


def cost_of(opt: dict[str, Any]) -> str | None:
    cost = opt.get("cost")
    return cost if isinstance(cost, str) else None

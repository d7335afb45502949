"""What went wrong, as one line and one exit code (the table is docs/cli.md's).

Every surface of the gateway says what is wrong in its body: doc 004 as `{"error": ...}`,
the others as problem+json (`title`, `detail`). `problem_of` reads either, so a command
never needs to know which surface answered.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import msgspec

# The documented exit codes (docs/cli.md, "Exit codes").
DONE = 0
JOB_ENDED_BADLY = 1  # the job failed or was cancelled
BAD_USAGE = 2
REFUSED = 3  # a 4xx other than the ones below
NOT_FOUND = 4
NOT_ALLOWED = 5  # 401, 403
GATEWAY_FAILED = 6  # 5xx
UNREACHABLE = 7
INTERRUPTED = 130

_PHRASES = {s.value: s.phrase for s in HTTPStatus}


def exit_code_for(status: int | None) -> int:
    if status is None:
        return UNREACHABLE
    if status == 404:
        return NOT_FOUND
    if status in (401, 403):
        return NOT_ALLOWED
    if status >= 500:
        return GATEWAY_FAILED
    return REFUSED


class Problem(Exception):
    """A non-2xx answer (`status`), or no answer at all (`status` None)."""

    def __init__(self, status: int | None, title: str, detail: str | None = None,
                 *, exit_code: int | None = None) -> None:
        super().__init__(f"{title}: {detail}" if detail else title)
        self.status, self.title, self.detail = status, title, detail
        self.exit_code = exit_code_for(status) if exit_code is None else exit_code

    def line(self) -> str:
        """The one line a person reads: `error: <title>: <detail>`."""
        same = (self.detail or "").strip().rstrip(".").lower() == self.title.lower()
        text = f"{self.title}: {self.detail}" if self.detail and not same else self.title
        # A detail that spans lines (a stack's message, say) is still one line here.
        return "error: " + " ".join(text.split())


def problem_of(status: int, body: bytes) -> Problem:
    """The Problem a non-2xx answer describes, whichever surface's shape its body has."""
    phrase = _PHRASES.get(status, "Error")
    payload: Any = None
    if body.strip():
        try:
            payload = msgspec.json.decode(body)
        except msgspec.DecodeError:
            payload = None
    if not isinstance(payload, dict):
        text = body.decode(errors="replace").strip()
        # A proxy's HTML page says nothing a terminal should show.
        detail = text if text and not text.startswith("<") and len(text) <= 300 else None
        return Problem(status, phrase, detail)
    title = payload["title"] if isinstance(payload.get("title"), str) else phrase
    detail = payload.get("detail") or payload.get("error") or payload.get("message")
    detail = detail if isinstance(detail, str) else None
    guidance = payload.get("guidance")
    if isinstance(guidance, str) and guidance:
        # Aura's problems say what to send instead: the most useful words of the answer.
        detail = f"{detail} ({guidance})" if detail else guidance
    return Problem(status, title, detail)

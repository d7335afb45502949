"""Whether Manim can render here: the media service's `manim_status`, asked rarely.

Doc 003's POSTs answer 503 with the reason when it cannot (its GETs keep working, and the
rest of the system is unaffected). The media service's answer is cached for `TTL` seconds
per gateway process, so a burst of POSTs asks once. No answer at all (the media service
down, or still probing its sandbox just after it started: that takes seconds on a loaded
machine) is waited for at most `ASK_TIMEOUT` and remembered only for `NO_ANSWER_TTL`, so
a service that comes up is believed at once, and one that is down costs each burst one
bounded wait, not one per request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import msgspec
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.media.manim_status import GetManimStatus, ManimStatus
from videogen_gateway.command_client import CommandRefused, Dispatcher
from videogen_gateway.errors import ApiError

TTL = 5.0
NO_ANSWER_TTL = 1.0
ASK_TIMEOUT = 15.0
STATE_KEY = "manim_availability"


class ManimAvailability:
    """The latest `manim_status` answer of this process, and when it came."""

    def __init__(self, ttl: float = TTL, no_answer_ttl: float = NO_ANSWER_TTL) -> None:
        self._ttls = (ttl, no_answer_ttl)
        self._status: ManimStatus | None = None
        self._answered = False
        self._at = 0.0
        self._asking = asyncio.Lock()

    async def status(self, dispatcher: Dispatcher) -> ManimStatus:
        async with self._asking:  # one question at a time: the others take its answer
            ttl = self._ttls[0] if self._answered else self._ttls[1]
            if self._status is None or time.monotonic() - self._at > ttl:
                self._answered, self._status = await _asked(dispatcher)
                self._at = time.monotonic()
            return self._status


async def ask_manim_status(dispatcher: Dispatcher) -> ManimStatus:
    """The media service's answer; not available (saying why) when it gives none."""
    return (await _asked(dispatcher))[1]


async def _asked(dispatcher: Dispatcher) -> tuple[bool, ManimStatus]:
    """(whether the media service answered, what it said or why it did not)."""
    try:
        async with asyncio.timeout(ASK_TIMEOUT):
            answered = await dispatcher.query("media", "manim_status", GetManimStatus())
        return True, msgspec.json.decode(answered.answer, type=ManimStatus)
    except TimeoutError:
        reason = f"the media service did not say within {ASK_TIMEOUT:g}s"
    except ServiceUnavailable as error:
        reason = f"the media service is unavailable ({error.reason})"
    except CommandRefused as refused:
        reason = f"the media service cannot say ({refused.rejection.message})"
    except msgspec.DecodeError as error:
        reason = f"the media service's answer is not understood ({error})"
    return False, ManimStatus(available=False, reason=reason)


def availability_of(state: MutableMapping[str, Any]) -> ManimAvailability:
    found = state.get(STATE_KEY)
    if not isinstance(found, ManimAvailability):
        found = state[STATE_KEY] = ManimAvailability()
    return found


async def require_manim(state: MutableMapping[str, Any], dispatcher: Dispatcher) -> None:
    """A 503 saying why, unless Manim can render."""
    status = await availability_of(state).status(dispatcher)
    if not status.available:
        raise ApiError(503, f"Manim is unavailable: {status.reason or 'no reason given'}")


def manim_check(dispatcher: Dispatcher) -> Callable[[], Awaitable[tuple[bool, str]]]:
    """`/api/ai/health`'s check of Manim: asked afresh, said in words (the sandbox it runs
    in, and why it is degraded or down)."""

    async def check() -> tuple[bool, str]:
        status = await ask_manim_status(dispatcher)
        if not status.available:
            return False, status.reason or "unavailable"
        said = f"Manim {status.manim_version or '?'} in a {status.sandbox} sandbox"
        return True, f"{said}; {status.reason}" if status.reason else said

    return check

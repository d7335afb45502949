"""Sending doc 003's commands to the script service, and its refusals as 4xx problems.

Every command waits until the read models show its effect (read-your-writes), so a GET of
the job or task right after the POST finds it. A refusal keeps its code (404, 409) and
names the field as the client sent it; an `invalid` one is doc 003's 422.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from videogen_contracts.replies import CommandAccepted
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.editor.sending import rejected
from videogen_gateway.surfaces.manim.bodies import UNPROCESSABLE

SERVICE = "script"


async def send_script(
    rt: Runtime, name: str, command: msgspec.Struct, renames: Mapping[str, str] | None = None
) -> CommandAccepted:
    try:
        return await rt.dispatcher.send_and_wait(SERVICE, name, command)
    except CommandRefused as refused:
        error = rejected(refused.rejection, renames or {})
        if refused.rejection.code == "invalid":
            error.status = UNPROCESSABLE
        raise error from None

"""Typed replies to commands sent by request/reply on `svc.<service>.<command>`.

The gateway maps `CommandRejected.code` to HTTP: not_found→404, conflict→409,
invalid→422 (or 400 where a seed says so), unavailable→503.
"""

from __future__ import annotations

from typing import Literal

import msgspec

RejectionCode = Literal["not_found", "conflict", "invalid", "unavailable", "too_large"]


class CommandAccepted(msgspec.Struct, frozen=True, kw_only=True, tag_field="outcome", tag="ok"):
    stream_id: str
    # The version the stream reached and the global position of its last event; the
    # gateway waits for its read model to reach `stream_version` (read-your-writes).
    stream_version: int
    global_position: int
    # True when the command had already been handled (same command_id): nothing appended.
    duplicate: bool = False


class CommandRejected(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="outcome", tag="rejected"
):
    code: RejectionCode
    message: str
    field: str | None = None


CommandReply = CommandAccepted | CommandRejected

reply_decoder = msgspec.json.Decoder(CommandReply)

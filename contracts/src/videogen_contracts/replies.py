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


class QueryAnswered(msgspec.Struct, frozen=True, kw_only=True, tag_field="outcome", tag="answer"):
    """The answer to a query command (one that reads and changes nothing).

    `answer` is the JSON of the query's own answer Struct, which the caller decodes with
    that type (`msgspec.json.decode(reply.answer, type=ProjectScript)`), so this envelope
    never needs to know every query's shape.
    """

    answer: msgspec.Raw


CommandReply = CommandAccepted | CommandRejected | QueryAnswered

reply_decoder = msgspec.json.Decoder(CommandReply)

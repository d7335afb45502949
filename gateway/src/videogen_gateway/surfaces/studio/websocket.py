"""WebSocket `/api/v1/ws` (seed 000): live job progress of the projects a client follows.

The client sends `{"type": "subscribe" | "unsubscribe", "projectId": ...}` (and `ping`);
the server sends `connected {clientId}`, `subscribed`/`unsubscribed {projectId}`,
`progress`, `job_complete`, `job_failed` and `error {code, message}` (websocket_messages.py).

Fed from NATS, not from this process: a project's feed is a core NATS subscription to
`ns.project_events(project_id)`, which every service's relay publishes to, so any gateway
replica can serve any client and no event passes through a particular replica first. The
feed is a `FanOut` feed (fanout.py): one subscription per followed project in this process,
each event decoded, de-duplicated (the relay delivers at least once) and translated once,
and every socket that follows the project handed the message. A socket follows from the
moment it is told `subscribed`; the protocol has no positions to resume from.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from collections import OrderedDict
from typing import Any
from uuid import UUID

import msgspec
import structlog
from litestar import WebSocket, websocket
from litestar.datastructures import State
from litestar.exceptions import WebSocketDisconnect
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from videogen_contracts.envelope import decode_recorded
from videogen_gateway.access.principal import principal_of
from videogen_gateway.fanout import FanOut, LiveOptions, fanout_of
from videogen_gateway.readmodels.owners import sees, viewer_of
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import websocket_messages as messages
from videogen_gateway.surfaces.studio.websocket_messages import ErrorMessage

log = structlog.get_logger("videogen_gateway.surfaces.studio.websocket")

# A client that reads slower than its projects produce is cut off past this many messages.
OUTBOX_LIMIT = 10_000
SEEN_EVENTS = 4_096
# 1008 "policy violation": the client did not keep up.
CLOSE_TOO_SLOW = 1008
# Wake-ups are NATS messages, never lost while subscribed: no heartbeats, no need to poll.
LIVE = LiveOptions(heartbeat=math.inf, poll_live=60.0, poll_offline=60.0, retain=1_000)


class ClientMessage(msgspec.Struct, kw_only=True, rename="camel"):
    type: str
    project_id: str | None = None
    # Some clients wrap the arguments: {"type": "subscribe", "data": {"projectId": ...}}.
    data: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None

    def project(self) -> str | None:
        for holder in (self.data, self.payload):
            if holder and isinstance(holder.get("projectId"), str):
                return str(holder["projectId"])
        return self.project_id


_client_decoder = msgspec.json.Decoder(ClientMessage)
_encoder = msgspec.json.Encoder()


class Pushed(msgspec.Struct, frozen=True):
    """A message of a project's feed, numbered in arrival order in this process."""

    id: int
    message: messages.JobMessage


class ProjectEvents:
    """A project's events from NATS, translated to socket messages (a fan-out `Source`)."""

    live = True

    def __init__(self, nc: Client, subject: str) -> None:
        self._nc, self._subject = nc, subject
        self._wake = asyncio.Event()
        self._pending: list[Pushed] = []
        self._count = 0
        self._seen: OrderedDict[UUID, None] = OrderedDict()
        self._subscription: Subscription | None = None

    async def open(self) -> asyncio.Event:
        self._subscription = await self._nc.subscribe(self._subject, cb=self._on_event)
        return self._wake

    async def read_after(self, position: int) -> list[Pushed]:
        # Everything pending is after the feed's head: nothing here is read twice.
        pending, self._pending = self._pending, []
        return pending

    async def close(self) -> None:
        if self._subscription is not None:
            with contextlib.suppress(Exception):  # the connection may be draining
                await self._subscription.unsubscribe()

    async def _on_event(self, msg: Msg) -> None:
        try:
            recorded = decode_recorded(msg.data)
        except msgspec.DecodeError:
            return  # not an event envelope: nothing a client could use
        if recorded.event_id in self._seen:
            return  # a relay's re-publish
        self._seen[recorded.event_id] = None
        if len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        message = messages.message_for(recorded)
        if message is not None:
            self._count += 1
            self._pending.append(Pushed(self._count, message))
            self._wake.set()


def project_feeds(rt: Runtime, state: State) -> FanOut[UUID, Pushed]:
    """The projects some socket of this process follows."""
    return fanout_of(state, "studio_socket_feeds", lambda: FanOut(
        "socket", lambda pid: ProjectEvents(rt.nc, rt.ns.project_events(str(pid))),
        lambda pushed: _encoder.encode(pushed.message), LIVE,
    ))


class SocketSession:
    def __init__(
        self, rt: Runtime, socket: WebSocket[Any, Any, Any], feeds: FanOut[UUID, Pushed]
    ) -> None:
        self.rt, self.socket, self.feeds = rt, socket, feeds
        self.client_id = uuid.uuid4()
        self.outbox: asyncio.Queue[bytes | None] = asyncio.Queue(OUTBOX_LIMIT)
        # One task per followed project: a reader of its feed, cancelled to unsubscribe.
        self.follows: dict[UUID, asyncio.Task[None]] = {}

    async def run(self) -> None:
        await self.socket.accept()
        sender = asyncio.create_task(self._send_until_closed())
        try:
            self.push(messages.Connected(client_id=self.client_id))
            while not sender.done():
                await self._handle(await self._next_frame())
        except WebSocketDisconnect:
            pass
        finally:
            for project_id in list(self.follows):
                await self._stop_following(project_id)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender

    async def _next_frame(self) -> str | bytes:
        """The next message's payload, sent as a text or a binary frame (JSON either way)."""
        event = await self.socket.receive()
        if event["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(detail="disconnect event", code=event.get("code", 1000))
        text, data = event.get("text"), event.get("bytes")
        if isinstance(text, str) and text:
            return text
        return data if isinstance(data, bytes) else b""

    def push(self, message: msgspec.Struct) -> None:
        self._put(_encoder.encode(message))

    async def _deliver(self, wire: list[bytes]) -> None:
        for data in wire:
            self._put(data)

    def _put(self, data: bytes) -> None:
        # Never waits, so a feed's reader keeps up; a client that does not is cut off.
        try:
            self.outbox.put_nowait(data)
        except asyncio.QueueFull:
            log.warning("ws.too_slow", client_id=str(self.client_id))
            self.outbox = asyncio.Queue(1)
            self.outbox.put_nowait(None)  # tells the sender to close

    async def _send_until_closed(self) -> None:
        while True:
            data = await self.outbox.get()
            if data is None:
                await self.socket.close(code=CLOSE_TOO_SLOW, reason="client too slow")
                return
            await self.socket.send_data(data.decode(), mode="text")

    async def _handle(self, raw: str | bytes) -> None:
        try:
            message = _client_decoder.decode(raw)
        except msgspec.DecodeError as error:
            self.push(ErrorMessage(code="invalid_message", message=f"not a message: {error}"))
            return
        if message.type == "ping":
            self.push(messages.Pong())
        elif message.type in ("subscribe", "unsubscribe"):
            project_id = await self._project(message.project())
            if project_id is None:
                return
            if message.type == "subscribe":
                await self._subscribe(project_id)
            else:
                await self._stop_following(project_id)
                self.push(messages.Unsubscribed(project_id=project_id))
        else:
            self.push(ErrorMessage(
                code="unknown_type",
                message=f"unknown message type {message.type!r}; send subscribe, unsubscribe"
                " or ping",
            ))

    async def _project(self, raw: str | None) -> UUID | None:
        try:
            project_id = UUID(raw or "")
        except ValueError:
            self.push(ErrorMessage(code="invalid_project_id",
                                   message=f"projectId must be a project's id, got {raw!r}"))
            return None
        # Another user's project is as unknown as one that does not exist (access/).
        viewer = viewer_of(principal_of(self.socket).actor())
        if not await sees(self.rt.pool, self.rt.schema, viewer, str(project_id)) or \
                await self.rt.queries.get_project(project_id) is None:
            self.push(ErrorMessage(code="not_found", message=f"project {project_id} not found"))
            return None
        return project_id

    async def _subscribe(self, project_id: UUID) -> None:
        if project_id not in self.follows:
            joined: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            follow = self.follows[project_id] = asyncio.create_task(
                self._follow(project_id, joined)
            )
            await asyncio.wait((joined, follow), return_when=asyncio.FIRST_COMPLETED)
            if not joined.done():
                del self.follows[project_id]
                follow.result()  # the feed could not open (NATS away): its error is ours
        self.push(messages.Subscribed(project_id=project_id))

    async def _follow(self, project_id: UUID, joined: asyncio.Future[None]) -> None:
        async with self.feeds.reading(project_id) as reader:
            joined.set_result(None)  # every message from here on reaches this socket
            await reader.serve(self._deliver)

    async def _stop_following(self, project_id: UUID) -> None:
        follow = self.follows.pop(project_id, None)
        if follow is not None:
            follow.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follow


@websocket("/api/v1/ws")
async def studio_socket(socket: WebSocket[Any, Any, Any]) -> None:
    """Live job progress: subscribe to projects, receive their jobs' progress."""
    rt = runtime_of(socket.app.state)
    await SocketSession(rt, socket, project_feeds(rt, socket.app.state)).run()

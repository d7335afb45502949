"""Typed request/reply commands on `svc.<service>.<command>`, shared by a queue group.

The server side is one `nats.micro` service per process (so `nats micro ls/info/stats`
see it); every endpoint is in the service's queue group, so replicas share the load and a
request is answered by exactly one of them. The reply body is always a JSON
`CommandReply`: a caller is never left waiting because a handler raised.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, Protocol

import msgspec
import nats.errors
import structlog
from nats.aio.client import Client
from nats.micro import add_service
from nats.micro.request import ERROR_HEADER, Request
from nats.micro.service import EndpointConfig, Service, ServiceConfig
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, reply_decoder
from videogen_contracts.subjects import Namespace

from videogen_bus.actor import acting_as, actor_of
from videogen_bus.connection import before_drain
from videogen_bus.correlation import correlation_scope, new_correlation_id
from videogen_bus.headers import CORRELATION, command_headers, correlation_of

log = structlog.get_logger("videogen_bus.rpc")

CommandHandler = Callable[[bytes, Mapping[str, str]], Awaitable[CommandReply]]

PING = "ping"

_encoder = msgspec.json.Encoder()


class ServiceUnavailable(Exception):
    """No replica answered: none is running, none answered in time, or NATS is down."""

    def __init__(self, service: str, command: str, reason: str) -> None:
        super().__init__(f"{service}.{command}: {reason}")
        self.service = service
        self.command = command
        self.reason = reason


class CommandSender(Protocol):
    """What policies and the gateway depend on; `NatsCommandSender` or the in-memory bus."""

    async def send_command(
        self, service: str, command: str, payload: msgspec.Struct | bytes, *, correlation_id: str,
        causation_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the NATS request's own deadline)
    ) -> CommandReply: ...


# --- server -------------------------------------------------------------------------------


class CommandServer:
    """The running command endpoints of one process; `close()` stops them gracefully."""

    def __init__(self, nc: Client, service: Service, max_in_flight: int) -> None:
        self._nc = nc
        self._service = service
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._closed = False

    async def submit(self, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run one request in its own task, once one of `max_in_flight` slots is free.

        A nats-py subscription runs its callback one message at a time; awaiting the
        handler there would serialise every command of an endpoint behind the slowest
        one. Waiting for a free slot *does* block the subscription, which is the
        backpressure we want once `max_in_flight` handlers are busy.
        """
        await self._slots.acquire()
        task = asyncio.create_task(run())
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()

    async def close(self, grace: float = 10.0) -> None:
        """Stop taking requests, then let in-flight handlers finish and reply."""
        if self._closed:
            return
        self._closed = True
        if not (self._nc.is_closed or self._nc.is_draining):
            # Unsubscribes: a request still queued behind a full semaphore gets no reply
            # and was never run, so the caller's retry (same command_id) is safe.
            await self._service.stop()
        if not self._in_flight:
            return
        _, stuck = await asyncio.wait(set(self._in_flight), timeout=grace)
        for task in stuck:
            # Past the grace period the process is going away anyway; cancelling rolls the
            # handler's transaction back instead of leaving it to die with the connection.
            task.cancel()
        if stuck:
            log.warning("commands.cancelled_at_shutdown", count=len(stuck))

    async def __aenter__(self) -> CommandServer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def serve_commands(
    nc: Client, ns: Namespace, service: str, handlers: Mapping[str, CommandHandler], *,
    version: str = "0.1.0", max_in_flight: int = 256,
) -> CommandServer:
    """Serve `handlers` (plus `ping`) as one micro service in the service's queue group."""
    # The nats.micro service name is per namespace, so test worlds do not mix in `$SRV`.
    name = re.sub(r"[^A-Za-z0-9_-]", "-", f"{ns.name}-{service}" if ns.name else service)
    micro = await add_service(
        nc, ServiceConfig(name=name, version=version, metadata={"ns": ns.name})
    )
    server = CommandServer(nc, micro, max_in_flight)
    all_handlers = {PING: _ping_handler(service), **handlers}
    for command, handler in all_handlers.items():
        await micro.add_endpoint(
            EndpointConfig(
                name=command, subject=ns.command_subject(service, command),
                queue_group=ns.command_queue(service),
                handler=_endpoint(server, service, command, handler),
            )
        )
    await nc.flush()  # the subscriptions are live on the server before we report ready
    before_drain(nc, server.close)
    return server


def _endpoint(
    server: CommandServer, service: str, command: str, handler: CommandHandler
) -> Callable[[Request], Awaitable[None]]:
    async def on_request(request: Request) -> None:
        await server.submit(lambda: _answer(request, service, command, handler))

    return on_request


async def _answer(request: Request, service: str, command: str, handler: CommandHandler) -> None:
    headers = dict(request.headers or {})
    # A caller that sent no id still gets one, so the handler's events are traceable.
    correlation_id = correlation_of(headers) or new_correlation_id()
    headers[CORRELATION] = correlation_id
    # The handler acts for the sender's actor (none sent: the system), so the kernel stamps
    # and checks ownership with no handler passing the user along.
    with (
        correlation_scope(correlation_id, command=f"{service}.{command}"),
        acting_as(actor_of(headers)),
    ):
        reply = await _run_handler(handler, request.data, headers, correlation_id)
        try:
            await request.respond(_encoder.encode(reply))
        except ValueError:
            pass  # published, not requested: nobody waits for an answer
        except nats.errors.Error as error:
            log.warning("command.reply_lost", error=repr(error))


async def _run_handler(
    handler: CommandHandler, data: bytes, headers: Mapping[str, str], correlation_id: str
) -> CommandReply:
    try:
        return await handler(data, headers)
    except msgspec.DecodeError as error:
        # The payload does not match the command's schema: the caller's fault, not ours.
        return CommandRejected(code="invalid", message=str(error))
    except Exception:
        # Process boundary: whatever went wrong, the caller is owed a typed answer now
        # rather than a timeout. Details stay in the log, under the correlation id.
        log.exception("command.failed")
        return CommandRejected(
            code="unavailable", message=f"internal error; correlation id {correlation_id}",
        )


def _ping_handler(service: str) -> CommandHandler:
    async def ping(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        return CommandAccepted(stream_id=f"$ping.{service}", stream_version=0, global_position=0)

    return ping


# --- client -------------------------------------------------------------------------------


async def send_command(
    nc: Client, ns: Namespace, service: str, command: str, payload: msgspec.Struct | bytes, *,
    correlation_id: str, causation_id: str | None = None,
    timeout: float = 5.0,  # noqa: ASYNC109 (the NATS request's own deadline)
) -> CommandReply:
    """Send a command to one replica of `service` and return its typed reply.

    A timeout does not mean the command was not applied (the handler may have committed
    just too late); commands carry a `command_id` so the caller can safely retry.
    """
    data = payload if isinstance(payload, bytes) else _encoder.encode(payload)
    try:
        msg = await nc.request(
            ns.command_subject(service, command), data, timeout=timeout,
            headers=command_headers(correlation_id, causation_id),
        )
    except nats.errors.NoRespondersError:
        raise ServiceUnavailable(service, command, "no responders") from None
    except nats.errors.TimeoutError:
        raise ServiceUnavailable(service, command, f"no reply within {timeout}s") from None
    except (
        nats.errors.ConnectionClosedError,
        nats.errors.ConnectionDrainingError,
        nats.errors.OutboundBufferLimitError,
    ) as error:
        raise ServiceUnavailable(service, command, f"not connected: {error!r}") from None
    if msg.headers and ERROR_HEADER in msg.headers:
        raise ServiceUnavailable(service, command, f"service error: {msg.headers[ERROR_HEADER]}")
    try:
        reply: CommandReply = reply_decoder.decode(msg.data)
    except msgspec.DecodeError as error:
        raise ServiceUnavailable(service, command, f"malformed reply: {error}") from None
    return reply


async def ping(
    nc: Client, ns: Namespace, service: str, *,
    timeout: float = 1.0,  # noqa: ASYNC109 (the NATS request's own deadline)
) -> float:
    """Round trip to one replica of `service`, in seconds; raises `ServiceUnavailable`."""
    started = time.perf_counter()
    await send_command(
        nc, ns, service, PING, b"", correlation_id=new_correlation_id(), timeout=timeout
    )
    return time.perf_counter() - started


class NatsCommandSender:
    """`CommandSender` over a NATS connection."""

    def __init__(self, nc: Client, ns: Namespace) -> None:
        self.nc = nc
        self.ns = ns

    async def send_command(
        self, service: str, command: str, payload: msgspec.Struct | bytes, *, correlation_id: str,
        causation_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the NATS request's own deadline)
    ) -> CommandReply:
        return await send_command(
            self.nc, self.ns, service, command, payload,
            correlation_id=correlation_id, causation_id=causation_id, timeout=timeout,
        )

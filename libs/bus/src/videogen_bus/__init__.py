"""The NATS side of VideoGen: connect, streams, commands (request/reply), consumers."""

from videogen_bus.connection import bus_connection, connect, drain
from videogen_bus.consumer import (
    DeadLetterSink,
    PoisonMessage,
    TransientError,
    run_consumer,
)
from videogen_bus.publish import EventPublisher, PublishAck, PublishError
from videogen_bus.rpc import (
    CommandSender,
    NatsCommandSender,
    ServiceUnavailable,
    send_command,
    serve_commands,
)
from videogen_bus.streams import ensure_stream

__all__ = [
    "CommandSender",
    "DeadLetterSink",
    "EventPublisher",
    "NatsCommandSender",
    "PoisonMessage",
    "PublishAck",
    "PublishError",
    "ServiceUnavailable",
    "TransientError",
    "bus_connection",
    "connect",
    "drain",
    "ensure_stream",
    "run_consumer",
    "send_command",
    "serve_commands",
]

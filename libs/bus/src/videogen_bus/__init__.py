"""The NATS side of VideoGen: connect, streams, commands (request/reply), consumers."""

"""How the outside world reaches the media service (NATS request/reply)."""

"""How the outside world reaches the export service (NATS request/reply)."""

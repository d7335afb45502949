"""How the outside world reaches the script service (NATS request/reply)."""

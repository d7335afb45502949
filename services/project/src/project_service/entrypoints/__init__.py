"""How the outside world reaches the project service (NATS request/reply)."""

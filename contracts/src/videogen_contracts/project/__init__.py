"""The project service's public contract: its commands and its events."""

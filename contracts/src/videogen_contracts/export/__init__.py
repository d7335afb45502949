"""The export service's public contract: its commands and its events."""

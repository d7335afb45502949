"""The script service's public contract: its commands and its events."""

"""Adapters: the script service's own tables."""

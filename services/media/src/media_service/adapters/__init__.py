"""Adapters: the job's ports filled with the shared libraries and the service's own tables."""

"""Manim scenes (doc 003): generated code rendered in a sandbox, never in a service process."""

"""Typed domain errors; the rpc entrypoint turns each into a `CommandRejected` code."""

from __future__ import annotations


class DomainError(Exception):
    """A command the domain refuses; `field` names the offending input when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The target does not exist."""


class Conflict(DomainError):
    """The command contradicts the current state (e.g. drafting a script twice)."""


class Invalid(DomainError):
    """An input breaks a rule; always names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


class Unavailable(DomainError):
    """A dependency the command needs failed (the language model): try again later."""

"""The errors every service's domain raises, and the one `CommandRejected` each becomes.

They live in contracts, next to the reply they map to, so that every service shares one
family and the rpc helper maps them the same way. The mapping goes by `isinstance`: a
domain's own subclass (a production's `IllegalTransition` is a `Conflict`) maps like its
base.
"""

from __future__ import annotations

from videogen_contracts.replies import CommandRejected, RejectionCode


class DomainError(Exception):
    """A command the domain refuses; `field` names the offending input when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The target does not exist (or no longer exists)."""


class Conflict(DomainError):
    """The command contradicts the current state (creating what exists, a step out of order,
    a stream that kept changing while the command was decided)."""


class Invalid(DomainError):
    """An input breaks a rule; always names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


class Unavailable(DomainError):
    """A dependency the command needs failed (the language model): try again later."""


# Most specific first; a DomainError of none of these is the caller's input.
_CODES: tuple[tuple[type[DomainError], RejectionCode], ...] = (
    (NotFound, "not_found"), (Invalid, "invalid"), (Conflict, "conflict"),
    (Unavailable, "unavailable"),
)


def rejection_code(error: DomainError) -> RejectionCode:
    return next((code for kind, code in _CODES if isinstance(error, kind)), "invalid")


def rejection_for(error: DomainError) -> CommandRejected:
    return CommandRejected(code=rejection_code(error), message=error.message, field=error.field)

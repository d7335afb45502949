"""The two ways a script writer fails, so workers can record a clear reason."""

from __future__ import annotations

from videogen_providers.llm.base import TokenUsage


class LLMError(Exception):
    """Base of the writer's typed failures."""


class LLMUnavailable(LLMError):
    """The model could not be reached or kept failing (timeouts, 429, 5xx), or refused us."""

    def __init__(self, reason: str, *, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.attempts = attempts


class LLMOutputInvalid(LLMError):
    """The model answered twice, and neither answer matched the requested JSON schema."""

    def __init__(
        self, reason: str, *, content: str | None = None, usage: TokenUsage | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        # Both answers were paid for, valid or not; the worker may record the cost.
        self.usage = usage
        # The last raw answer, truncated, for the logs; never shown to end users as is.
        self.content = content[:2000] if content is not None else None

"""The one mapping from a domain error to the typed rejection every rpc endpoint replies."""

from __future__ import annotations

import pytest
from videogen_contracts.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    Unavailable,
    rejection_for,
)
from videogen_contracts.replies import CommandRejected, RejectionCode


class IllegalMove(Conflict):
    """A domain's own refinement of a base error."""


class MissingPart(NotFound):
    pass


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotFound("no such project"), "not_found"),
        (Conflict("already exists"), "conflict"),
        (Invalid("topic", "topic is blank"), "invalid"),
        (Unavailable("the language model is down"), "unavailable"),
        (DomainError("refused"), "invalid"),
    ],
)
def test_each_error_maps_to_its_code(error: DomainError, code: RejectionCode) -> None:
    assert rejection_for(error).code == code


def test_a_subclass_maps_like_its_base() -> None:
    assert rejection_for(IllegalMove("rendering → queued")) == CommandRejected(
        code="conflict", message="rendering → queued"
    )
    assert rejection_for(MissingPart("no section 3")).code == "not_found"


def test_invalid_names_its_field() -> None:
    assert rejection_for(Invalid("goal", "goal is too long")) == CommandRejected(
        code="invalid", message="goal is too long", field="goal"
    )

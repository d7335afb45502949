"""The ApiKey aggregate, given/when/then with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce

import pytest
from project_service.domain.api_key import INITIAL, ApiKey, decide, evolve
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.project.api_keys import (
    ApiKeyCreated,
    ApiKeyEvent,
    ApiKeyRevoked,
    CreateApiKey,
    RevokeApiKey,
    is_well_formed,
    key_hash,
    mint_key,
)

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
KEY_ID = "3f9a1c7e5b2d4086"
HASH = "ab" * 32


def given(*events: ApiKeyEvent) -> ApiKey:
    return reduce(evolve, events, INITIAL)


def create(**fields: object) -> CreateApiKey:
    values: dict[str, object] = {"command_id": "c1", "now": NOW, "key_id": KEY_ID,
                                 "user": "alice", "key_hash": HASH, **fields}
    return CreateApiKey(**values)  # type: ignore[arg-type]


CREATED = ApiKeyCreated(key_id=KEY_ID, user="alice", name="", scopes=("read", "write"),
                        key_hash=HASH, created_at=NOW)


def test_a_key_is_created_with_the_default_scopes() -> None:
    assert decide(create(), INITIAL) == [CREATED]
    assert given(CREATED) == ApiKey(created=True)


def test_a_key_is_created_once() -> None:
    with pytest.raises(Conflict):
        decide(create(), given(CREATED))


@pytest.mark.parametrize(("fields", "field"), [
    ({"user": " "}, "user"),
    ({"user": "a" * 201}, "user"),
    ({"user": "al\nice"}, "user"),
    ({"user": "alice\n"}, "user"),
    ({"user": " alice"}, "user"),
    ({"name": "n" * 201}, "name"),
    ({"scopes": ()}, "scopes"),
    ({"scopes": ("read", "read")}, "scopes"),
    ({"key_id": "not-hex"}, "key_id"),
    ({"key_id": "3f9a1c7e5b2d4086\n"}, "key_id"),
    ({"key_hash": "secret"}, "key_hash"),
], ids=["blank-user", "long-user", "control-user", "newline-user", "spaced-user", "long-name",
        "no-scope", "repeated-scope", "bad-key-id", "newline-key-id", "bad-hash"])
def test_a_bad_input_names_its_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        decide(create(**fields), INITIAL)
    assert refused.value.field == field


def test_revoking_an_unknown_key_is_not_found() -> None:
    with pytest.raises(NotFound):
        decide(RevokeApiKey(command_id="c2", now=NOW, key_id=KEY_ID), INITIAL)


def test_a_key_is_revoked_once_and_a_repeat_changes_nothing() -> None:
    later = NOW + timedelta(hours=1)
    revoke = RevokeApiKey(command_id="c2", now=later, key_id=KEY_ID)
    events = decide(revoke, given(CREATED))
    assert events == [ApiKeyRevoked(key_id=KEY_ID, revoked_at=later)]
    assert given(CREATED, *events).revoked_at == later
    assert decide(revoke, given(CREATED, *events)) == []


def test_a_minted_key_is_well_formed_and_hashed_as_stored() -> None:
    minted = mint_key()
    assert minted.key.startswith(f"vg_{minted.key_id}_")
    assert is_well_formed(minted.key)
    assert minted.key_hash == key_hash(minted.key)
    assert len(minted.key_hash) == 64
    assert minted.key not in repr(minted)
    assert decide(create(key_id=minted.key_id, key_hash=minted.key_hash), INITIAL)
    assert not is_well_formed(minted.key + "x")
    assert mint_key().key != minted.key

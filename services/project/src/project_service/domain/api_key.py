"""The ApiKey aggregate: decide and evolve, pure (the contract module explains the keys).

A key is created once and revoked at most once; a revoked key stays revoked (a new key is
a new stream). Revoking a revoked key decides nothing, so a repeated DELETE is a no-op.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import assert_never

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.identity import SCOPES
from videogen_contracts.project.api_keys import (
    KEY_HASH_PATTERN,
    KEY_ID_PATTERN,
    KEY_NAME_MAX,
    KEY_NAME_PATTERN,
    USER_MAX,
    USER_PATTERN,
    ApiKeyCommand,
    ApiKeyCreated,
    ApiKeyEvent,
    ApiKeyRevoked,
    CreateApiKey,
    RevokeApiKey,
)


class ApiKey(msgspec.Struct, frozen=True, kw_only=True):
    created: bool = False
    revoked_at: datetime | None = None


INITIAL = ApiKey()

_KEY_ID = re.compile(KEY_ID_PATTERN)
_KEY_HASH = re.compile(KEY_HASH_PATTERN)
_USER = re.compile(USER_PATTERN)
_NAME = re.compile(KEY_NAME_PATTERN)


def _check_text(field: str, value: str, longest: int, pattern: re.Pattern[str], rule: str) -> None:
    if len(value) > longest:
        raise Invalid(field, f"{field} must be at most {longest} characters")
    if not pattern.search(value):
        raise Invalid(field, f"{field} must {rule}")


def _check_create(command: CreateApiKey) -> None:
    if not _KEY_ID.fullmatch(command.key_id):
        raise Invalid("key_id", "key_id must be 16 hexadecimal digits")
    if not _KEY_HASH.fullmatch(command.key_hash):
        raise Invalid("key_hash", "key_hash must be a sha256 in hexadecimal")
    _check_text("user", command.user, USER_MAX, _USER,
                "be printable ASCII with no space at either end")
    _check_text("name", command.name, KEY_NAME_MAX, _NAME, "not contain control characters")
    if not command.scopes:
        raise Invalid("scopes", "scopes must name at least one of " + ", ".join(SCOPES))
    if len(set(command.scopes)) != len(command.scopes):
        raise Invalid("scopes", "scopes must not repeat a scope")


def decide(command: ApiKeyCommand, state: ApiKey) -> list[ApiKeyEvent]:
    match command:
        case CreateApiKey() if state.created:
            raise Conflict(f"api key {command.key_id} exists already")
        case CreateApiKey():
            _check_create(command)
            return [ApiKeyCreated(
                key_id=command.key_id, user=command.user, name=command.name,
                scopes=command.scopes, key_hash=command.key_hash, created_at=command.now,
            )]
        case RevokeApiKey() if not state.created:
            raise NotFound(f"api key {command.key_id} not found")
        case RevokeApiKey() if state.revoked_at is not None:
            return []
        case RevokeApiKey():
            return [ApiKeyRevoked(key_id=command.key_id, revoked_at=command.now)]
        case _:
            assert_never(command)


def evolve(state: ApiKey, event: ApiKeyEvent) -> ApiKey:
    match event:
        case ApiKeyCreated():
            return ApiKey(created=True)
        case ApiKeyRevoked():
            return msgspec.structs.replace(state, revoked_at=event.revoked_at)
        case _:
            assert_never(event)

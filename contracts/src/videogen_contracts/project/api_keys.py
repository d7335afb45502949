"""The ApiKey aggregate: API keys of the gateway (issue 13), kept by the project service.

One stream per key, `api-key-<key_id>`. Its events carry no project id (subject
`vg.project._.<Type>`).

A key reads `vg_<key_id>_<secret>`: `key_id` names it (in lists, in the revoke command),
`secret` is 32 random bytes, urlsafe base64. The gateway mints a key and sends only its
`sha256` (hex) here, so the key itself is on no bus, in no log and in no event: it is shown
once, to whoever created it. The gateway authenticates a presented key by looking its hash
up in the `api_keys` read model.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import ClassVar, get_args

import msgspec

from videogen_contracts.identity import DEFAULT_SCOPES, Scope
from videogen_contracts.project.events import Timestamp

KEY_PREFIX = "vg_"
KEY_ID_BYTES = 8  # 16 hex digits: short to read, and never a `_` (the separator)
SECRET_BYTES = 32
KEY_ID_PATTERN = r"^[0-9a-f]{16}$"
KEY_HASH_PATTERN = r"^[0-9a-f]{64}$"
USER_MAX = 200
KEY_NAME_MAX = 200
# A user: printable ASCII, no space at either end (what authentication takes as a user id).
# A key's name: no control character. The gateway's body and the decider test the same
# patterns (`re.search`), so what one takes the other takes too; `(?!\n)` because a
# Python `$` also matches before a final newline.
USER_PATTERN = r"^[!-~](?:[ -~]*[!-~])?$(?!\n)"
KEY_NAME_PATTERN = r"^[^\x00-\x1f\x7f]*$(?!\n)"

_KEY = re.compile(r"^vg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


def stream_id_for(key_id: str) -> str:
    """The ApiKey aggregate's stream: `api-key-<key_id>`."""
    return f"api-key-{key_id}"


def key_hash(key: str) -> str:
    """What is stored of a key: its sha256, hex. The only thing compared at authentication."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_well_formed(key: str) -> bool:
    """Whether `key` has the shape of one of ours (a cheap refusal before any look-up)."""
    return _KEY.match(key) is not None


@dataclass(frozen=True, slots=True)
class MintedKey:
    key_id: str
    # Shown once, to the creator; never stored, sent on the bus or logged.
    key: str
    key_hash: str

    def __repr__(self) -> str:
        return f"MintedKey(key_id={self.key_id!r}, key=<hidden>)"


def mint_key() -> MintedKey:
    """A new random key, its id and its hash."""
    key_id = secrets.token_hex(KEY_ID_BYTES)
    key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return MintedKey(key_id=key_id, key=key, key_hash=key_hash(key))


# --- events -----------------------------------------------------------------------------


class ApiKeyEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1

    key_id: str


class ApiKeyCreated(ApiKeyEventBase, frozen=True, tag="ApiKeyCreated"):
    user: str
    name: str
    scopes: tuple[Scope, ...]
    # sha256 of the key, hex; never the key.
    key_hash: str
    created_at: Timestamp


class ApiKeyRevoked(ApiKeyEventBase, frozen=True, tag="ApiKeyRevoked"):
    revoked_at: Timestamp


ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked

EVENT_TYPES: tuple[type[ApiKeyEventBase], ...] = get_args(ApiKeyEvent)
event_decoder: msgspec.json.Decoder[ApiKeyEvent] = msgspec.json.Decoder(ApiKeyEvent)


# --- commands ---------------------------------------------------------------------------


class ApiKeyCommandBase(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    key_id: str


class CreateApiKey(ApiKeyCommandBase, frozen=True):
    user: str
    key_hash: str
    name: str = ""
    scopes: tuple[Scope, ...] = DEFAULT_SCOPES


class RevokeApiKey(ApiKeyCommandBase, frozen=True):
    """Revoking a revoked key changes nothing (and is not an error)."""


ApiKeyCommand = CreateApiKey | RevokeApiKey

COMMANDS: dict[str, type[msgspec.Struct]] = {
    "create_api_key": CreateApiKey, "revoke_api_key": RevokeApiKey,
}

"""Provider keys sealed before they leave the gateway: write-only secrets.

A key from PUT /api/settings is sealed (Fernet: AES-CBC + HMAC, with a timestamp) under
the gateway's own key, and only the token goes to the project service, its event log and
the bus. Only the gateway can open it, when it calls the provider (validation).

The gateway's key is `VIDEOGEN_SECRETS_KEY` (a Fernet key; every replica of a deployment
must share it), else `<data dir>/secrets.key`, created on first use with mode 0600 (the
local set-up: one machine, one data dir). Replacing the key makes the stored tokens
unreadable, which is also how to shred every stored key at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "secrets.key"


class SealedKeyUnreadable(Exception):
    """The token was sealed under another gateway key (it was replaced or differs)."""


def key_from_file(path: Path) -> bytes:
    """The key in `path`, or a new one written there (mode 0600) on first use."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        # O_EXCL: of two processes starting at once, one writes and the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_key(cls, configured: str | None, data_dir: Path) -> SecretBox:
        """The configured key, else the data dir's key file (created on first use)."""
        return cls(configured.encode() if configured else key_from_file(data_dir / KEY_FILE))

    def __repr__(self) -> str:
        return "SecretBox(***)"

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise SealedKeyUnreadable("sealed under another gateway key") from error

"""Signed, expiring upload tokens: what makes an editor upload URL work like a presigned one.

`POST /api/project/{id}/upload` hands out a URL carrying a token; whoever holds the URL may
send that one asset's bytes until the token expires, and nothing else. The token is
`<project hex>.<asset hex>.<expiry unix s>.<HMAC-SHA256, base64url>`: the ids ride in the
clear so a refusal can say *why* (another project's token, an expired one) rather than
only "forged". The key is the option `VIDEOGEN_UPLOAD_KEY`, else `<data dir>/upload.key`,
made at first start (every replica of a deployment must share one key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from videogen_gateway.errors import ApiError
from videogen_gateway.system.sealing import key_from_file

KEY_FILE = "upload.key"


def signature(key: bytes, payload: str) -> str:
    """HMAC-SHA256 of `payload` under `key`, base64url without padding (the gateway's
    signed URLs: these upload tokens, and the query tokens of access/query_tokens.py)."""
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class UploadTokens:
    def __init__(self, key: bytes, ttl: float) -> None:
        self._key, self.ttl = key, ttl

    @classmethod
    def from_option(cls, configured: str | None, data_dir: Path, ttl: float) -> UploadTokens:
        return cls(configured.encode() if configured else key_from_file(data_dir / KEY_FILE), ttl)

    def __repr__(self) -> str:
        return f"UploadTokens(ttl={self.ttl}, key=***)"

    def _sign(self, payload: str) -> str:
        return signature(self._key, payload)

    def issue(self, project_id: UUID, asset_id: UUID, now: float) -> str:
        payload = f"{project_id.hex}.{asset_id.hex}.{int(now + self.ttl)}"
        return f"{payload}.{self._sign(payload)}"

    def check(self, token: str | None, project_id: UUID, asset_id: UUID, now: float) -> None:
        """Raise a 403 naming the reason unless `token` lets this asset be uploaded now."""
        if not token:
            raise ApiError(403, "the upload URL needs its token (?token=…)", "token")
        payload, _, signature = token.rpartition(".")
        parts = payload.split(".")
        if len(parts) != 3 or not parts[2].isdigit():
            raise ApiError(403, "the upload token is malformed", "token")
        # Compared in constant time, and before anything else is believed.
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise ApiError(403, "the upload token's signature is not valid", "token")
        project_hex, asset_hex, expiry = parts
        if project_hex != project_id.hex:
            raise ApiError(403, "the upload token was issued for another project", "token")
        if asset_hex != asset_id.hex:
            raise ApiError(403, "the upload token was issued for another asset", "token")
        if int(expiry) <= now:
            at = datetime.fromtimestamp(int(expiry), UTC).isoformat()
            raise ApiError(
                403, f"the upload token expired at {at}; ask for a new upload URL", "token"
            )

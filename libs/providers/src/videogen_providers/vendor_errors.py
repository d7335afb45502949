"""Typed failures of vendor HTTP APIs (OpenAI speech, Pexels), by what the caller can do.

Auth: a key is missing or refused (fix the settings, do not retry). Unavailable: the
vendor is down, slow or rate-limiting (retry later). Rejected: the vendor refused this
request (retrying the same request will not help).
"""

from __future__ import annotations

import httpx


class VendorError(RuntimeError):
    def __init__(self, vendor: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{vendor}: {message}" + (f" (HTTP {status})" if status else ""))
        self.vendor = vendor
        self.status = status


class VendorNotConfigured(VendorError):
    """The vendor is selected but its key (or URL) is not set."""


class VendorAuthFailed(VendorError):
    """401/403: the key is wrong, expired, or lacks the permission."""


class VendorUnavailable(VendorError):
    """5xx, 429, a timeout or a connection failure: transient."""


class VendorRejected(VendorError):
    """Any other 4xx: this request is wrong for the vendor."""


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return str(body)[:300]


def raise_for_vendor_status(vendor: str, response: httpx.Response) -> None:
    """Raise the typed error for a non-2xx answer (after reading its body)."""
    status = response.status_code
    if status < 400:
        return
    detail = _detail(response)
    if status in (401, 403):
        raise VendorAuthFailed(vendor, detail, status)
    if status == 429 or status >= 500:
        raise VendorUnavailable(vendor, detail, status)
    raise VendorRejected(vendor, detail, status)

"""Choosing and fetching a Pexels clip: the best file for a frame, downloaded atomically.

The best file is the smallest mp4 that covers the frame (at least as wide AND as tall, so
scaling only ever shrinks it), else the largest one there is: a little upscaling beats no
clip. Downloads stream to a temporary name beside the target and are renamed at the end,
so a cut download never leaves a partial clip under the name a resumed job checks.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from videogen_providers.stock.pexels import PEXELS_API, Orientation, PexelsClient
from videogen_providers.vendor_errors import (
    VendorNotConfigured,
    VendorUnavailable,
    raise_for_vendor_status,
)

VENDOR = "Pexels"


@dataclass(frozen=True, slots=True)
class StockVideoFile:
    link: str
    width: int
    height: int
    video_id: int
    page_url: str
    credit: str


def pexels_client_from_env(environ: Mapping[str, str] | None = None) -> PexelsClient:
    """A client from `PEXELS_API_KEY` and `PEXELS_BASE_URL` (default: the real API)."""
    env = os.environ if environ is None else environ
    key = env.get("PEXELS_API_KEY", "")
    if not key:
        raise VendorNotConfigured(VENDOR, "PEXELS_API_KEY is not set")
    return PexelsClient(key, base_url=env.get("PEXELS_BASE_URL") or PEXELS_API)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float | str) and str(value).isdigit() else 0


def best_video_file(video: Mapping[str, Any], width: int, height: int) -> StockVideoFile | None:
    files = [
        f for f in video.get("video_files") or []
        if isinstance(f, dict) and f.get("file_type") == "video/mp4" and f.get("link")
    ]  # fmt: skip
    if not files:
        return None

    def area(f: Mapping[str, Any]) -> int:
        return _int(f.get("width")) * _int(f.get("height"))

    covering = [
        f for f in files if _int(f.get("width")) >= width and _int(f.get("height")) >= height
    ]
    pick = min(covering, key=area) if covering else max(files, key=area)
    user = video.get("user")
    if not isinstance(user, dict):
        user = {}
    return StockVideoFile(
        link=str(pick["link"]), width=_int(pick.get("width")), height=_int(pick.get("height")),
        video_id=_int(video.get("id")), page_url=str(video.get("url", "")),
        credit=f"{user.get('name', 'unknown')} / Pexels",
    )


async def find_stock_video(
    client: PexelsClient, query: str, *, orientation: Orientation, width: int, height: int,
    per_page: int = 5,
) -> StockVideoFile | None:
    """The best file of the first search result that has one; None when nothing fits.

    Raises VendorAuthFailed (bad key), VendorUnavailable (down, rate-limited) or
    VendorRejected (any other refusal).
    """
    try:
        videos = await client.search_videos(query, per_page=per_page, orientation=orientation)
    except httpx.HTTPStatusError as exc:
        raise_for_vendor_status(VENDOR, exc.response)
        raise
    except httpx.TransportError as exc:
        raise VendorUnavailable(VENDOR, f"search failed: {exc!r}") from exc
    found = (best_video_file(video, width, height) for video in videos)
    return next((file for file in found if file is not None), None)


async def download_video(client: PexelsClient, file: StockVideoFile, dest: Path) -> Path:
    """Stream the file to `dest`, atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{uuid.uuid4().hex}")
    try:
        async with client.http.stream("GET", file.link) as response:
            if response.status_code >= 400:
                await response.aread()
                raise_for_vendor_status(VENDOR, response)
            with tmp.open("wb") as out:
                async for chunk in response.aiter_bytes(1 << 16):
                    out.write(chunk)
        os.replace(tmp, dest)
    except httpx.TransportError as exc:
        raise VendorUnavailable(VENDOR, f"download failed: {exc!r}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest

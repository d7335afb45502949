"""A Pexels API client: video search, and the HTTP client that downloads what it finds.

Pexels authenticates with the bare key in `Authorization` (no "Bearer"). The base URL is
configurable so tests point it at a local fake; nothing here reaches the internet unless
it is left at the default.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

PEXELS_API = "https://api.pexels.com"

Orientation = Literal["landscape", "portrait", "square"]


class PexelsClient:
    def __init__(self, api_key: str, *, base_url: str = PEXELS_API, timeout: float = 20.0) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": api_key}, timeout=timeout,
            follow_redirects=True,
        )

    async def search_videos(
        self, query: str, *, per_page: int = 5, orientation: Orientation | None = None
    ) -> list[dict[str, Any]]:
        """The `videos` of one search page; raises httpx errors (401 for a bad key)."""
        params: dict[str, str | int] = {"query": query, "per_page": per_page}
        if orientation:
            params["orientation"] = orientation
        response = await self.http.get("/videos/search", params=params)
        response.raise_for_status()
        videos = response.json().get("videos", [])
        if not isinstance(videos, list):
            raise ValueError("Pexels answered without a list of videos")
        return videos

    async def aclose(self) -> None:
        await self.http.aclose()

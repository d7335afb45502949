"""Stock visuals from Pexels when `PEXELS_API_KEY` is set (videogen_providers.stock's client).

Each sentence's keywords are its search query (the doc's "video search queries"). The best
clip is downloaded into the blob store under a deterministic key before the event names
it, so a resumed job finds it there instead of downloading again. Any failure for one
sentence — Pexels down, no result, a download cut — falls back to a procedural background
for that sentence: a missing stock clip is no reason to fail a video.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import structlog
from videogen_contracts.media.events import ChosenVisual, FrameSettings, SentenceText
from videogen_providers.stock.pexels import PEXELS_API, Orientation, PexelsClient

from media_service.adapters.procedural_visuals import keywords_of, procedural_visual
from media_service.workers.keys import stock_visual_key
from media_service.workers.ports import Blobs

log = structlog.get_logger("media_service.pexels")

_ORIENTATION: dict[str, Orientation] = {"16:9": "landscape", "9:16": "portrait", "1:1": "square"}


@dataclass(frozen=True, slots=True)
class StockClip:
    link: str
    page_url: str
    credit: str


class PexelsVisuals:
    def __init__(
        self, api_key: str, blobs: Blobs, *, base_url: str = PEXELS_API, timeout: float = 20.0
    ) -> None:
        self._blobs = blobs
        self._pexels = PexelsClient(api_key, base_url=base_url, timeout=timeout)
        self._downloads = asyncio.Semaphore(4)

    async def aclose(self) -> None:
        await self._pexels.aclose()

    async def choose(
        self, production_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        return list(
            await asyncio.gather(
                *(self._one(production_id, s, i, frame) for i, s in enumerate(sentences))
            )
        )

    async def _one(
        self, production_id: UUID, sentence: SentenceText, index: int, frame: FrameSettings
    ) -> ChosenVisual:
        keywords = keywords_of(sentence.text)
        key = stock_visual_key(production_id, sentence.sentence_id)
        async with self._downloads:
            try:
                clip = await self._search(" ".join(keywords), frame)
                if clip is not None and not await self._blobs.exists(key):
                    await self._download(clip.link, key)
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
                log.warning(
                    "pexels.fallback", sentence_id=str(sentence.sentence_id), error=repr(error)
                )
                clip = None
        if clip is None:
            return procedural_visual(sentence, index)
        return ChosenVisual(
            sentence_id=sentence.sentence_id, keywords=keywords, kind="stock", key=key,
            source_url=clip.page_url, credit=clip.credit,
        )

    async def _search(self, query: str, frame: FrameSettings) -> StockClip | None:
        videos = await self._pexels.search_videos(
            query, per_page=5, orientation=_ORIENTATION[frame.aspect]
        )
        for video in videos:
            link = _best_file(video.get("video_files", []), frame)
            if link:
                credit = f"{video.get('user', {}).get('name', 'unknown')} / Pexels"
                return StockClip(link=link, page_url=str(video.get("url", "")), credit=credit)
        return None

    async def _download(self, link: str, key: str) -> None:
        with tempfile.TemporaryDirectory(prefix="vg-stock-") as tmp:
            target = Path(tmp) / "clip.mp4"
            async with self._pexels.http.stream("GET", link) as response:
                response.raise_for_status()
                with target.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
            await self._blobs.put_file(key, target)


def _best_file(files: list[dict[str, Any]], frame: FrameSettings) -> str | None:
    """The smallest mp4 at least as wide as the frame, else the widest one."""
    mp4 = [f for f in files if f.get("file_type") == "video/mp4" and f.get("link")]
    if not mp4:
        return None
    wide_enough = [f for f in mp4 if int(f.get("width") or 0) >= frame.width]
    best = (
        min(wide_enough, key=lambda f: int(f.get("width") or 0))
        if wide_enough
        else max(mp4, key=lambda f: int(f.get("width") or 0))
    )
    return str(best["link"])

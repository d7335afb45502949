"""Stock visuals from Pexels when `PEXELS_API_KEY` is set (videogen_providers.stock).

Each sentence's keywords are its search query (the doc's "video search queries"). The best
clip is downloaded into the blob store before the event names it, under a key made of the
project and a digest of the search (query, orientation, frame width), with its origin and
credit in a `.json` next to it. So a resumed job, or the project's next render, finds both
there and asks Pexels nothing for a sentence whose keywords did not change: after a studio
edit only the edited sentences are searched and downloaded again. Any failure for one
sentence — Pexels down, no result, a download cut — falls back to a procedural background
for that sentence: a missing stock clip is no reason to fail a video.

The search, the choice of file (the smallest that covers the frame) and the download are
the provider library's; what is kept where, and for how long, is this service's.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import httpx
import msgspec
import structlog
from videogen_contracts.media.events import ChosenVisual, FrameSettings, SentenceText
from videogen_media.visuals import keywords_of
from videogen_providers.stock.pexels import PEXELS_API, Orientation, PexelsClient
from videogen_providers.stock.pexels_files import StockVideoFile, download_video, find_stock_video
from videogen_providers.vendor_errors import VendorError

from media_service.adapters.procedural_visuals import procedural_visual
from media_service.workers.keys import stock_visual_key
from media_service.workers.ports import Blobs

log = structlog.get_logger("media_service.pexels")

_ORIENTATION: dict[str, Orientation] = {"16:9": "landscape", "9:16": "portrait", "1:1": "square"}


class StockClip(msgspec.Struct, frozen=True, kw_only=True):
    link: str
    page_url: str
    credit: str


def _search_digest(query: str, frame: FrameSettings) -> str:
    """What the chosen clip depends on: the query, the orientation and the frame width."""
    search = [query, _ORIENTATION[frame.aspect], frame.width]
    return hashlib.sha256(msgspec.json.encode(search)).hexdigest()


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
        self, project_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        return list(
            await asyncio.gather(
                *(self._one(project_id, s, i, frame) for i, s in enumerate(sentences))
            )
        )

    async def _one(
        self, project_id: UUID, sentence: SentenceText, index: int, frame: FrameSettings
    ) -> ChosenVisual:
        keywords = keywords_of(sentence.text)
        query = " ".join(keywords)
        key = stock_visual_key(project_id, _search_digest(query, frame))
        origin = key.removesuffix(".mp4") + ".json"
        async with self._downloads:
            try:
                clip = await self._stored(key, origin)
                if clip is None:
                    clip = await self._fetch(query, frame, key, origin)
            except (VendorError, httpx.HTTPError, ValueError, KeyError, TypeError) as error:
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

    async def _stored(self, key: str, origin: str) -> StockClip | None:
        """The clip stored for this search, if both it and its origin are there."""
        if not (await self._blobs.exists(key) and await self._blobs.exists(origin)):
            return None
        data = await asyncio.to_thread(self._blobs.path_of(origin).read_bytes)
        return msgspec.json.decode(data, type=StockClip)

    async def _fetch(
        self, query: str, frame: FrameSettings, key: str, origin: str
    ) -> StockClip | None:
        found = await find_stock_video(
            self._pexels, query, orientation=_ORIENTATION[frame.aspect],
            width=frame.width, height=frame.height,
        )  # fmt: skip
        if found is None:
            return None
        clip = StockClip(link=found.link, page_url=found.page_url, credit=found.credit)
        # A clip left without its origin by a killed worker is whole (atomic puts).
        if not await self._blobs.exists(key):
            await self._download(found, key)
        # Last, so its presence means the clip is stored: what `_stored` relies on.
        await self._blobs.put_bytes(origin, msgspec.json.encode(clip))
        return clip

    async def _download(self, found: StockVideoFile, key: str) -> None:
        with tempfile.TemporaryDirectory(prefix="vg-stock-") as tmp:
            target = await download_video(self._pexels, found, Path(tmp) / "clip.mp4")
            await self._blobs.put_file(key, target)

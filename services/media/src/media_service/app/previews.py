"""The editor's previews: frames (one, a strip, graded) and each segment's playable clip.

Everything here is a cache of what a file shows, keyed by content, so it needs no events
and no locks to be correct: two replicas that make the same frame write the same bytes
under the same key (atomically, `LocalBlobStore.move_in`), and whichever lands last wins
harmlessly. Keys live beside the media, under the project's `editor/<pid>/` prefix, so the
project's deletion removes them with it:

    editor/<pid>/frames/<media>-f<frame>-w<width>-<grade>.jpg
    editor/<pid>/segments/<media>-<first frame>-<end frame>-<grade>.mp4

Decoding is blocking work and runs in threads (at most `decode_threads` at once); the event
loop only waits for it. A frame is read from the media's proxy when it exists and is wide
enough (`keys.proxy_key`, made by workers/proxies.py), else from the media itself.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from pathlib import Path

from videogen_contracts.errors import Invalid, NotFound
from videogen_contracts.media.editing import ColorGrade
from videogen_contracts.media.editing_commands import (
    FrameAt,
    PreviewFrames,
    PreviewFramesAnswer,
    SegmentMedia,
    SegmentMediaAnswer,
)
from videogen_media.blobs import InvalidBlobKey, LocalBlobStore
from videogen_media.clip_render import clip_argv
from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.frames import (
    NoFrame,
    VideoFacts,
    frame_index,
    grab_jpegs,
    scaled_size,
    video_facts,
)
from videogen_media.grading import NEUTRAL_DIGEST, grade_digest

from media_service.app.preview_keys import (
    editor_media_ref,
    frame_key,
    proxy_key,
    segment_clip_key,
)

# A whole-file, ungraded segment is served as the upload itself when browsers play it.
PLAYABLE_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2": "video/mp4", "matroska,webm": "video/webm"}


class Previews:
    def __init__(self, blobs: LocalBlobStore, *, decode_threads: int = 2) -> None:
        self._blobs = blobs
        self._decoding = asyncio.Semaphore(decode_threads)
        # One render per clip key at a time in this process; a second asker awaits it.
        self._renders: dict[str, asyncio.Future[None]] = {}

    async def _media_path(self, media_key: str) -> Path:
        editor_media_ref(media_key)  # an editor media key, or Invalid
        try:
            path = self._blobs.path_of(media_key)
        except InvalidBlobKey:
            raise Invalid("media_key", f"not a blob key: {media_key!r}") from None
        if not await asyncio.to_thread(path.is_file):
            raise NotFound("media", media_key)
        return path

    async def _facts(self, path: Path) -> VideoFacts:
        try:
            return await asyncio.to_thread(video_facts, path)
        except NoFrame:  # (its message names the file on this host: not for clients)
            raise Invalid("media_key", "the media has no video to preview") from None

    async def frames(self, query: PreviewFrames) -> PreviewFramesAnswer:
        """The JPEG key of each frame asked for; only the missing ones are decoded, one
        forward pass per (media, width, grade)."""
        keys: list[str] = []
        missing: dict[tuple[str, int, str], list[tuple[float, str]]] = defaultdict(list)
        grades: dict[str, ColorGrade | None] = {}
        for frame in query.frames:
            key, width, ts = await self._frame_plan(frame)
            keys.append(key)
            digest = grade_digest(frame.grade)
            grades[digest] = frame.grade
            if not await self._blobs.exists(key):
                missing[(frame.media_key, width, digest)].append((ts, key))
        for (media_key, width, digest), wanted in missing.items():
            await self._decode(media_key, width, grades[digest], wanted)
        return PreviewFramesAnswer(keys=keys)

    async def _frame_plan(self, frame: FrameAt) -> tuple[str, int, float]:
        """(its key, its width, the time of the frame) for one frame asked for."""
        if frame.max_width < 16:
            raise Invalid("max_width", "a preview is at least 16 pixels wide")
        facts = await self._facts(await self._media_path(frame.media_key))
        last = max(0, math.ceil(facts.duration * facts.fps - 1e-3) - 1)
        index = min(frame_index(max(0.0, frame.ts), facts.fps), last)
        width = scaled_size(facts.width, facts.height, frame.max_width)[0]
        key = frame_key(frame.media_key, index, width, grade_digest(frame.grade))
        return key, width, index / facts.fps

    async def _decode(
        self, media_key: str, width: int, grade: ColorGrade | None,
        wanted: list[tuple[float, str]],
    ) -> None:
        source = await self._readable_copy(media_key, width)
        async with self._decoding:
            await asyncio.to_thread(self._write_frames, source, width, grade, wanted)

    async def _readable_copy(self, media_key: str, width: int) -> Path:
        """The proxy when it exists and is at least `width` wide, else the media itself."""
        proxy = self._blobs.path_of(proxy_key(media_key))
        if await asyncio.to_thread(proxy.is_file) and (await self._facts(proxy)).width >= width:
            return proxy
        return await self._media_path(media_key)

    def _write_frames(
        self, source: Path, width: int, grade: ColorGrade | None,
        wanted: list[tuple[float, str]],
    ) -> None:
        jpegs = grab_jpegs(source, [ts for ts, _ in wanted], max_width=width, grade=grade)
        for (_, key), jpeg in zip(wanted, jpegs, strict=True):
            scratch = self._blobs.scratch_path(".jpg")
            scratch.write_bytes(jpeg)
            self._blobs.move_in(key, scratch)

    async def segment_media(self, query: SegmentMedia) -> SegmentMediaAnswer:
        """The segment's playable file, rendered (once per content) if it is not there."""
        path = await self._media_path(query.media_key)
        facts = await self._facts(path)
        if query.end_ts <= query.start_ts:
            raise Invalid("end_ts", "a segment ends after it starts")
        first = frame_index(query.start_ts, facts.fps)
        end = frame_index(query.end_ts + 0.5 / facts.fps, facts.fps)  # the nearest boundary
        digest = grade_digest(query.grade)
        whole = first == 0 and end >= math.floor(facts.duration * facts.fps - 1e-3)
        playable = PLAYABLE_FORMATS.get(facts.format_name)
        if whole and digest == NEUTRAL_DIGEST and playable is not None:
            return SegmentMediaAnswer(key=query.media_key, media_type=playable)
        key = segment_clip_key(query.media_key, first, end, digest)
        if not await self._blobs.exists(key):
            await self._render_once(key, path, first / facts.fps, end / facts.fps, query.grade)
        return SegmentMediaAnswer(key=key, media_type="video/mp4")

    async def _render_once(
        self, key: str, source: Path, start: float, end: float, grade: ColorGrade | None
    ) -> None:
        running = self._renders.get(key)
        if running is not None:
            await asyncio.shield(running)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._renders[key] = future
        try:
            scratch = self._blobs.scratch_path(".mp4")
            try:
                await run_ffmpeg(clip_argv(source, scratch, start=start, end=end, grade=grade))
                await asyncio.to_thread(self._blobs.move_in, key, scratch)
            finally:
                scratch.unlink(missing_ok=True)
            future.set_result(None)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: a render nobody else awaited is not "never read"
            raise
        finally:
            del self._renders[key]


"""The preview proxy of each stored video upload: made once, after the upload, by content.

A job per AssetStored (a work queue shared by every replica, see entrypoints/proxy_queue.py).
It is idempotent without tracking: the proxy's key is the media's digest
(`preview_keys.proxy_key`), a proxy that exists is the job done, and ffmpeg writes to a
scratch file that is renamed onto the key only when complete, so a job killed half-way
leaves nothing under the key and its redelivery starts again. A proxy is an optimisation
(previews read the original until it exists), so a file ffmpeg cannot convert is logged
and left without one rather than retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

import structlog
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.editing import AssetStored, asset_event_decoder
from videogen_media.blobs import LocalBlobStore
from videogen_media.clip_render import proxy_argv
from videogen_media.ffmpeg import FfmpegFailed, run_ffmpeg

from media_service.app.preview_keys import proxy_key

log = structlog.get_logger("media_service.proxies")

# The encode yields the CPU to everything at normal priority, above all to the previews
# that read the original (a direct seek) until this proxy exists.
PROXY_NICENESS = 10


def _lower_priority(pid: int) -> None:
    # Called right after the spawn, before ffmpeg starts its threads, which inherit it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.setpriority(os.PRIO_PROCESS, pid, PROXY_NICENESS)


class ProxyJob:
    def __init__(self, blobs: LocalBlobStore) -> None:
        self._blobs = blobs

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        stored = asset_event_decoder.decode(event.data)
        if not isinstance(stored, AssetStored):
            return
        video = next((s for s in stored.streams if s.kind == "video"), None)
        if video is None:
            return  # audio only: nothing to preview
        key = proxy_key(stored.blob_key)
        source = self._blobs.path_of(stored.blob_key)
        if await self._blobs.exists(key) or not await asyncio.to_thread(source.is_file):
            return  # done already, or the project (and its upload) was deleted since
        scratch = self._blobs.scratch_path(".mp4")
        try:
            await run_ffmpeg(
                proxy_argv(source, scratch, fps=video.fps or 25.0),
                total_seconds=stored.duration_s, on_start=_lower_priority,
            )
            await asyncio.to_thread(self._blobs.move_in, key, scratch)
        except FfmpegFailed as error:
            log.warning("proxy.failed", key=key, attempt=delivery.attempt, error=str(error))
            return
        finally:
            scratch.unlink(missing_ok=True)
        if not await asyncio.to_thread(source.is_file):
            # The project was deleted while the proxy was made: leave nothing behind it.
            await self._blobs.delete_prefix(key)
            return
        log.info("proxy.made", key=key, duration_s=stored.duration_s)

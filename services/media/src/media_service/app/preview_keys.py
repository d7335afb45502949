"""Where the editor's derived files of one media blob live: beside it, by content.

The media is `editor/<pid>/assets/<sha256>` (content-addressed). What is made from it goes
under the same project prefix, named by the media's digest and by what was asked, so a
request that asks for the same thing finds it, and the project's deletion removes it.
"""

from __future__ import annotations

import hashlib
import re

from videogen_contracts.errors import Invalid

_HEX = re.compile(r"^[0-9a-f]{16,64}$")


def editor_media_ref(media_key: str) -> tuple[str, str]:
    parts = media_key.split("/")
    if len(parts) < 3 or parts[0] != "editor":
        raise Invalid("media_key", f"not an editor media key: {media_key!r}")
    name = parts[-1].partition(".")[0]
    digest = name if _HEX.match(name) else hashlib.sha256(media_key.encode()).hexdigest()
    return f"editor/{parts[1]}", digest[:32]


def proxy_key(media_key: str) -> str:
    """The short-GOP preview proxy of a media file (workers/proxies.py)."""
    prefix, digest = editor_media_ref(media_key)
    return f"{prefix}/proxies/{digest}.mp4"


def frame_key(media_key: str, frame: int, width: int, grade: str) -> str:
    """One preview JPEG: frame number `frame`, `width` pixels wide, `grade` digest."""
    prefix, digest = editor_media_ref(media_key)
    return f"{prefix}/frames/{digest}-f{frame}-w{width}-{grade}.jpg"


def segment_clip_key(media_key: str, first: int, end: int, grade: str) -> str:
    """A segment's playable clip: frames `[first, end)` of the media, graded."""
    prefix, digest = editor_media_ref(media_key)
    return f"{prefix}/segments/{digest}-{first}-{end}-{grade}.mp4"

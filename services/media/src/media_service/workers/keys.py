"""Deterministic blob keys: a resumed job writes (and finds) its outputs in the same place."""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.media.editing import editor_prefix


def narration_key(project_id: UUID, digest: str) -> str:
    """A sentence's audio, by content (workers/narration_cache.py): shared by the project's
    productions, so a re-render finds every unchanged sentence already spoken."""
    return f"narration/{project_id}/{digest}.wav"


def captions_keys(production_id: UUID) -> tuple[str, str]:
    """(ass, srt)"""
    return f"captions/{production_id}.ass", f"captions/{production_id}.srt"


def words_key(narration: str) -> str:
    """A narration's word timings (JSON), beside its audio: reused with it."""
    return narration.removesuffix(".wav") + ".words.json"


def captions_vtt_key(production_id: UUID) -> str:
    return f"captions/{production_id}.vtt"


def designed_still_key(project_id: UUID, digest: str) -> str:
    """A designed scene's still (how it looks once every layer is in), by its content."""
    return f"visuals/{project_id}/designed/{digest}.png"


def segment_key(project_id: UUID, digest: str) -> str:
    """An encoded picture segment, by a digest of everything it is made of (its scenes'
    pictures, their frames, the captions burnt in, the encoder settings): a resumed job,
    or the project's next render, finds every unchanged segment already encoded."""
    return f"segments/{project_id}/{digest}.mp4"


def media_report_key(production_id: UUID) -> str:
    """The media half of the quality report (the export writes `reports/<id>.json`)."""
    return f"reports/{production_id}.media.json"


def stock_visual_key(project_id: UUID, digest: str, extension: str = "mp4") -> str:
    """A stock clip, by its search (adapters/pexels_visuals.py): shared by the project's
    productions, so a re-render downloads clips only for sentences whose search changed."""
    return f"visuals/{project_id}/{digest}.{extension}"


def project_prefixes(project_id: UUID) -> list[str]:
    """What the media service stores for a project as a whole (deleted with it): the
    editor's blobs too (uploads, proxies, frames, segment clips, exports), all under one
    prefix."""
    return [
        f"narration/{project_id}/", f"visuals/{project_id}/", f"segments/{project_id}/",
        editor_prefix(project_id),
    ]


def production_prefixes(production_id: UUID) -> list[str]:
    """Everything the media service stores for one production (deleted with its project)."""
    return [
        # Narrations and clips of productions made before they were keyed by content.
        f"narration/{production_id}/",
        f"captions/{production_id}.",
        f"visuals/{production_id}/",
        # The quality report's halves (the media's, and the export's beside it).
        f"reports/{production_id}.",
    ]

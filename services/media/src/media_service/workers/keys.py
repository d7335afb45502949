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


def stock_visual_key(project_id: UUID, digest: str, extension: str = "mp4") -> str:
    """A stock clip, by its search (adapters/pexels_visuals.py): shared by the project's
    productions, so a re-render downloads clips only for sentences whose search changed."""
    return f"visuals/{project_id}/{digest}.{extension}"


def project_prefixes(project_id: UUID) -> list[str]:
    """What the media service stores for a project as a whole (deleted with it): the
    editor's blobs too (uploads, proxies, frames, segment clips, exports), all under one
    prefix."""
    return [f"narration/{project_id}/", f"visuals/{project_id}/", editor_prefix(project_id)]


def production_prefixes(production_id: UUID) -> list[str]:
    """Everything the media service stores for one production (deleted with its project)."""
    return [
        # Narrations and clips of productions made before they were keyed by content.
        f"narration/{production_id}/",
        f"captions/{production_id}.",
        f"visuals/{production_id}/",
    ]

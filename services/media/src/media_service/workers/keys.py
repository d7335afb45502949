"""Deterministic blob keys: a resumed job writes (and finds) its outputs in the same place."""

from __future__ import annotations

from uuid import UUID


def narration_key(project_id: UUID, digest: str) -> str:
    """A sentence's audio, by content (workers/narration_cache.py): shared by the project's
    productions, so a re-render finds every unchanged sentence already spoken."""
    return f"narration/{project_id}/{digest}.wav"


def captions_keys(production_id: UUID) -> tuple[str, str]:
    """(ass, srt)"""
    return f"captions/{production_id}.ass", f"captions/{production_id}.srt"


def stock_visual_key(production_id: UUID, sentence_id: UUID, extension: str = "mp4") -> str:
    return f"visuals/{production_id}/{sentence_id}.{extension}"


def project_prefixes(project_id: UUID) -> list[str]:
    """What the media service stores for a project as a whole (deleted with it)."""
    return [f"narration/{project_id}/"]


def production_prefixes(production_id: UUID) -> list[str]:
    """Everything the media service stores for one production (deleted with its project)."""
    return [
        # Narrations of productions made before they were keyed by content.
        f"narration/{production_id}/",
        f"captions/{production_id}.",
        f"visuals/{production_id}/",
    ]

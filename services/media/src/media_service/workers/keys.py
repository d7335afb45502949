"""Deterministic blob keys: a resumed job writes (and finds) its outputs in the same place."""

from __future__ import annotations

from uuid import UUID


def narration_key(production_id: UUID, sentence_id: UUID) -> str:
    return f"narration/{production_id}/{sentence_id}.wav"


def captions_keys(production_id: UUID) -> tuple[str, str]:
    """(ass, srt)"""
    return f"captions/{production_id}.ass", f"captions/{production_id}.srt"


def stock_visual_key(production_id: UUID, sentence_id: UUID, extension: str = "mp4") -> str:
    return f"visuals/{production_id}/{sentence_id}.{extension}"


def production_prefixes(production_id: UUID) -> list[str]:
    """Everything the media service stores for one production (deleted with its project)."""
    return [
        f"narration/{production_id}/",
        f"captions/{production_id}.",
        f"visuals/{production_id}/",
    ]

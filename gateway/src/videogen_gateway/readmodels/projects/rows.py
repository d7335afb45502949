"""The rows of the project read models, as the queries return them and the cache keeps them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class ProjectRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    topic: str
    style: str | None
    target_duration_minutes: float | None
    description: str | None
    audience: str | None
    goal: str | None
    tone: str | None
    language: str
    aspect_ratio: str
    owner: str | None
    status: str
    section_count: int
    sentence_count: int
    created_at: datetime
    updated_at: datetime


class CastRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    description: str | None
    role: str | None
    voice: str | None


class ProjectDetail(msgspec.Struct, frozen=True, kw_only=True):
    project: ProjectRow
    cast: list[CastRow]

"""Reads of the AI jobs read model: a job with its variants, one variant, its scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.media.ai_edits import Box, RegionEdit, ScoreBasis, VariantScore
from videogen_gateway.readmodels.queries import Queries, columns

_edit = msgspec.json.Decoder(RegionEdit)
_box = msgspec.json.Decoder(Box)
_labels = msgspec.json.Decoder(list[str])
_score = msgspec.json.Decoder(VariantScore)


class AiJobRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    prompt: str
    edit: RegionEdit
    box: Box
    start_ts: float
    end_ts: float
    segment_id: UUID
    seed: int
    # pending | running | completed | failed
    status: str
    error: str | None
    requested_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, **values: Any) -> AiJobRow:
        """From a record (json columns come back as text)."""
        return cls(**values | {"edit": _edit.decode(values["edit"]),
                               "box": _box.decode(values["box"])})


class AiVariantRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    job_id: UUID
    project_id: UUID
    variant_index: int
    provider: str
    description: str
    labels: list[str]
    # None until rendered.
    video_key: str | None
    preview_key: str | None
    duration_s: float | None
    rendered_at: datetime | None

    @classmethod
    def of(cls, **values: Any) -> AiVariantRow:
        return cls(**values | {"labels": _labels.decode(values["labels"])})


class AiScoreRow(msgspec.Struct, frozen=True, kw_only=True):
    variant_id: UUID
    job_id: UUID
    project_id: UUID
    compare_to: ScoreBasis
    score: VariantScore
    scorer: str
    scored_at: datetime

    @classmethod
    def of(cls, **values: Any) -> AiScoreRow:
        return cls(**values | {"score": _score.decode(values["score"])})


class AiEditQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        # A deleted project's jobs disappear with it (their rows stay, see 0001's note).
        self._job = (f"SELECT {columns(AiJobRow)} FROM {q}.ai_jobs j"
                     f" WHERE j.id = $1 AND {self.alive('j.project_id')}")
        self._variants = (f"SELECT {columns(AiVariantRow)} FROM {q}.ai_variants"
                          " WHERE job_id = $1 ORDER BY variant_index")
        self._variant = (f"SELECT {columns(AiVariantRow)} FROM {q}.ai_variants v"
                         " WHERE v.id = $1")
        self._scores = (f"SELECT {columns(AiScoreRow)} FROM {q}.ai_scores"
                        " WHERE variant_id = $1 ORDER BY scored_at DESC")
        self._project_deleted = f"SELECT deleted FROM {q}.projects WHERE id = $1"

    async def job(self, job_id: UUID) -> AiJobRow | None:
        """A job (None when unknown, or once its project is deleted)."""
        return await self.one(self._job, AiJobRow.of, job_id)

    async def variants_of(self, job_id: UUID) -> list[AiVariantRow]:
        """The job's variants in their order, rendered or not."""
        return await self.all(self._variants, AiVariantRow.of, job_id)

    async def variant(self, variant_id: UUID) -> AiVariantRow | None:
        """A variant, its project deleted or not (an accept says why it cannot be)."""
        return await self.one(self._variant, AiVariantRow.of, variant_id)

    async def scores_of(self, variant_id: UUID) -> list[AiScoreRow]:
        """The variant's recorded scores, newest first."""
        return await self.all(self._scores, AiScoreRow.of, variant_id)

    async def project_deleted(self, project_id: UUID) -> bool:
        return bool(await self.pool.fetchval(self._project_deleted, project_id))

"""The base of every read model's queries: the pool, the quoted schema, and rows as Structs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import asyncpg
import msgspec
from videogen_eventstore.migrations import check_schema_name, quote_ident

T = TypeVar("T")


def columns(row: type[msgspec.Struct]) -> str:
    """The select list of a row Struct whose fields are named as its columns."""
    return ", ".join(row.__struct_fields__)


class Queries:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool = pool
        self.schema = schema
        self.q = quote_ident(check_schema_name(schema))

    def alive(self, project_column: str) -> str:
        """SQL that holds unless the row's project was deleted: a deleted project's script
        and outlines disappear with it (their rows stay, see 0001's note). NOT EXISTS rather
        than a join: the script may be projected before its project."""
        return (f"NOT EXISTS (SELECT 1 FROM {self.q}.projects p WHERE p.id = {project_column}"
                " AND p.deleted)")

    async def one(self, sql: str, row: Callable[..., T], *args: Any) -> T | None:
        """The first record of `sql`, made into `row(**record)`; None when there is none."""
        record = await self.pool.fetchrow(sql, *args)
        return None if record is None else row(**record)

    async def all(self, sql: str, row: Callable[..., T], *args: Any) -> list[T]:
        return [row(**record) for record in await self.pool.fetch(sql, *args)]

"""Versioned SQL migrations for one service's schema, applied at start by every replica.

Several replicas may start at once. They all run `migrate`, and a transaction-scoped
advisory lock keyed on the schema makes them take turns: the first applies what is missing
and commits, the others then find every version recorded in `schema_migrations` and do
nothing. Each file is applied in the same transaction as its `schema_migrations` row, so a
crash half-way leaves either the whole migration or none of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

# Schema names go into identifiers, literals and a NOTIFY channel name (max 63 bytes).
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,54}$")
_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def check_schema_name(schema: str) -> str:
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    return schema


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel on which appends to `schema` wake the relay."""
    return f"{schema}_events"


def load_migrations() -> list[Migration]:
    """The bundled `sql/NNNN_name.sql` files, in version order."""
    found = []
    for entry in resources.files("videogen_eventstore").joinpath("sql").iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


def render(sql: str, schema: str) -> str:
    """Fill in the placeholders a migration file uses for its schema."""
    return (
        sql.replace("__schema__", quote_ident(schema))
        .replace("__channel__", notify_channel(schema))
        .replace("__name__", schema)
    )


async def migrate(pool: asyncpg.Pool, schema: str) -> list[int]:
    """Bring `schema` up to date; returns the versions this call applied."""
    check_schema_name(schema)
    q = quote_ident(schema)
    applied: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        # Held until commit: concurrent migrators of this schema queue here, so
        # CREATE SCHEMA / CREATE TABLE never race each other.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"videogen.migrate/{schema}"
        )
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {q}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {q}.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            r["version"] for r in await conn.fetch(f"SELECT version FROM {q}.schema_migrations")
        }
        for migration in load_migrations():
            if migration.version in done:
                continue
            await conn.execute(render(migration.sql, schema))
            await conn.execute(
                f"INSERT INTO {q}.schema_migrations (version, name) VALUES ($1, $2)",
                migration.version, migration.name,
            )
            applied.append(migration.version)
    return applied

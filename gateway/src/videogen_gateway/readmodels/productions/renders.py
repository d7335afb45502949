"""What each project's last completed render narrated: the studio's `stale` flag.

A production's script arrives as `ProductionScriptAttached` (its sentences, ids and text);
its `ProductionCompleted` makes it the project's last render. A sentence of the project's
current script is stale when the project has such a render and that render did not narrate
this sentence with this text (it was edited, or added since). Written inside the project
projector's transaction; read by the scripts queries through `stale_sql`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
from videogen_contracts.project.production import (
    ProductionCompleted,
    ProductionEvent,
    ProductionScriptAttached,
)
from videogen_contracts.script.events import studio_script_id
from videogen_gateway.readmodels.queries import Queries

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


async def apply_render_event(conn: Conn, q: str, event: ProductionEvent) -> None:
    match event:
        case ProductionScriptAttached():
            # A retry that scripts again replaces what the production narrates.
            await conn.execute(
                f"DELETE FROM {q}.production_sentences WHERE production_id = $1",
                event.production_id,
            )
            await conn.executemany(
                f"INSERT INTO {q}.production_sentences (production_id, sentence_id, text)"
                " VALUES ($1, $2, $3) ON CONFLICT (production_id, sentence_id) DO NOTHING",
                [(event.production_id, s.sentence_id, s.text) for s in event.sentences],
            )
        case ProductionCompleted():
            # Two renders of one project can complete in either order on the bus (they are
            # different streams): the later completion wins, whichever is applied last.
            await conn.execute(
                f"INSERT INTO {q}.project_renders (project_id, production_id, rendered_at)"
                f" SELECT project_id, id, $2 FROM {q}.productions WHERE id = $1"
                " ON CONFLICT (project_id) DO UPDATE SET production_id = excluded.production_id,"
                " rendered_at = excluded.rendered_at"
                " WHERE project_renders.rendered_at <= excluded.rendered_at",
                event.production_id, event.at,
            )
        case _:
            pass


def stale_sql(q: str, sentence: str) -> str:
    """SQL true when the sentence row aliased `sentence` is stale (see the module doc)."""
    return (
        f"EXISTS (SELECT 1 FROM {q}.project_renders r WHERE r.project_id = {sentence}.project_id"
        f" AND NOT EXISTS (SELECT 1 FROM {q}.production_sentences n"
        f" WHERE n.production_id = r.production_id AND n.sentence_id = {sentence}.id"
        f" AND n.text = {sentence}.text))"
    )


class RenderQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        # A project's sentences by the script they belong to: the studio's own (the one a
        # render of kind "project" narrates and the studio edits), or a text2video draft
        # (a production's own script, shown in the studio but not the project's script).
        self._counts = (
            f"SELECT count(*) FILTER (WHERE s.script_id = $2), count(*) FROM {q}.sentences t"
            f" JOIN {q}.sections s ON s.id = t.section_id WHERE t.project_id = $1"
        )

    async def sentence_counts(self, project_id: UUID) -> tuple[int, int]:
        """(sentences of the project's studio script, all the sentences it shows)."""
        record = await self.pool.fetchrow(self._counts, project_id, studio_script_id(project_id))
        assert record is not None
        return int(record[0]), int(record[1])

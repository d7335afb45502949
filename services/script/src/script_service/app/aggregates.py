"""The service's event-sourced aggregates, declared on the decider kernel
(videogen_eventstore.decider: `Streams.run` for one stream, `run_together` and
`Streams.decide_across` for several as one unit)."""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.envelope import EventMetadata
from videogen_contracts.script.events import event_decoder, stream_id_for, studio_script_id
from videogen_contracts.script.generation import generation_event_decoder, generation_stream_id
from videogen_contracts.script.outline import outline_event_decoder, outline_stream_id
from videogen_eventstore.decider import Aggregate

from script_service.domain import script
from script_service.domain.editing import decide_edit
from script_service.domain.generation import INITIAL_RUN, decide_run, evolve_run
from script_service.domain.outline import INITIAL_OUTLINE, decide_outline, evolve_outline
from script_service.domain.script_state import INITIAL, evolve

# Concurrent writers of one stream (editors of one script) each win a round: enough for a
# burst of edits by a team on one project.
MAX_RETRIES = 25


def _studio_stream(project_id: UUID) -> str:
    return stream_id_for(studio_script_id(project_id))


# A production's script, drafted from its text (keyed by script id).
DRAFT = Aggregate("script", stream_id_for, script.decide, evolve, INITIAL, event_decoder)
# A studio project's script (keyed by project id).
SCRIPT = Aggregate(
    "script", _studio_stream, decide_edit, evolve, INITIAL, event_decoder, MAX_RETRIES
)
OUTLINE = Aggregate(
    "outline", outline_stream_id, decide_outline, evolve_outline, INITIAL_OUTLINE,
    outline_event_decoder, MAX_RETRIES,
)
RUN = Aggregate(
    "generation", generation_stream_id, decide_run, evolve_run, INITIAL_RUN,
    generation_event_decoder, MAX_RETRIES,
)


def metadata_for(
    project_id: UUID, correlation_id: str, causation_id: str | None, owner: str | None = None
) -> EventMetadata:
    """`owner`: the project's (its brief's), for the streams made for it (ownership.py)."""
    return EventMetadata(
        correlation_id=correlation_id, causation_id=causation_id, project_id=str(project_id),
        owner=owner,
    )

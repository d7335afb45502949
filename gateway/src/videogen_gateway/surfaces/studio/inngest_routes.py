"""`/api/v1/inngest` (seed 000): Inngest-compatible intake of the studio's background jobs.

The original served Inngest functions here; its clients send events in Inngest's shape,
`{name, data, id?, ts?}` (one, or an array), and the event's name picks the job:

- `script/generate.requested` {projectId, mode?, outlineId?, targetDuration?} → a run (202 path)
- `script/outline.requested` {projectId, targetDuration?} → an outline, written now

An event `id` that was acted on once is ignored forever after: the ids are kept in the
gateway's ledger (readmodels/inngest_ledger.py: never expired, kept across rebuilds).
Two copies sent at the same moment both pass that check, so the command sent for an event
also takes its idempotency key and its job/outline id from the event id: the script
service then does the work once and answers the second copy with the first one's result.
(A run's copy may instead be refused as a conflict - "that run exists" - and is then
answered with the run that carries its job id.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.script.generation import generation_stream_id
from videogen_gateway.access.route_opts import costly
from videogen_gateway.errors import ApiError, Rejected
from videogen_gateway.openapi import described, problems
from videogen_gateway.readmodels.inngest.ledger import InngestLedger
from videogen_gateway.readmodels.owners import viewer
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import inngest_schemas as shapes
from videogen_gateway.surfaces.studio.inngest_schemas import InngestEvent
from videogen_gateway.surfaces.studio.lookups import existing_project
from videogen_gateway.surfaces.studio.script_routes import queue_script, write_outline
from videogen_gateway.surfaces.studio.script_schemas import ScriptBody

_ID_SPACE = uuid5(NAMESPACE_URL, "videogen/inngest")


async def _run(rt: Runtime, event: InngestEvent, event_id: str, keyed: bool) -> dict[str, str]:
    """Start what the event names; returns the ids it started."""
    # With a client's id, every id below derives from it (see the module doc).
    command_id = f"inngest:{event_id}" if keyed else None
    derived = uuid5(_ID_SPACE, event_id) if keyed else None
    if event.name == "script/outline.requested":
        wanted = shapes.data_as(event, shapes.OutlineRequested)
        pid = await existing_project(rt, wanted.project_id)
        outline = await write_outline(rt, pid, wanted.target_duration, outline_id=derived,
                                      command_id=command_id)
        return {"outlineId": str(outline.id)}
    generate = shapes.data_as(event, shapes.GenerateRequested)
    body = ScriptBody(mode=generate.mode, outline_id=generate.outline_id,
                      target_duration=generate.target_duration)
    try:
        accepted = await queue_script(rt, generate.project_id, body, job_id=derived,
                                      command_id=command_id)
    except Rejected as refused:
        if derived is None or refused.status != 409 or not await rt.waiter.wait_for(
            generation_stream_id(derived), 1, within=3.0
        ):
            raise
        # A copy of this event sent at the same moment queued the run first: the run with
        # this event's job id is this event's, so answer with it, not with the conflict.
        return {"jobId": str(derived)}
    return {"jobId": str(accepted.job_id)}


async def _take(rt: Runtime, ledger: InngestLedger, event: InngestEvent) -> shapes.IntakeResult:
    event_id = event.id or str(uuid4())
    # Each user's event ids are their own: another user's id is neither a duplicate of
    # theirs nor the seed of the same job id (the local user and admins keep the bare id).
    user = viewer()
    key = event_id if user is None else f"{user}/{event_id}"
    if event.id is not None:
        earlier = await ledger.seen(key)
        if earlier is not None:
            return shapes.result(event_id, event.name, "duplicate", earlier)
    started = await _run(rt, event, key, keyed=event.id is not None)
    if event.id is not None:
        await ledger.remember(key, event.name, started, datetime.now(UTC))
    return shapes.result(event_id, event.name, "accepted", started)


@post(
    "/inngest", status_code=HTTP_200_OK,
    opt=costly("generate"),
    summary="Take Inngest events: script/generate.requested, script/outline.requested",
    responses=problems(400, 404, 409, 413, 503),
    operation_class=described(body=shapes.INTAKE_SCHEMA),
)
async def take_events(request: Request[Any, Any, Any], state: State) -> shapes.IntakeOut:
    rt = runtime_of(state)
    events, single = shapes.events_of(await request.body())
    ledger = InngestLedger(rt.pool, rt.schema)
    results: list[shapes.IntakeResult] = []
    for index, event in enumerate(events):
        try:
            results.append(await _take(rt, ledger, event))
        except ApiError as error:
            if single:
                raise
            # In a batch one refused event does not undo the others: say which, and why.
            results.append(shapes.refused(event, index, error))
    return shapes.IntakeOut(ids=[r.id for r in results], status=200, results=results)


@get(
    "/inngest", summary="The functions served here and the events that trigger them",
    responses=problems(503),
)
async def describe_functions() -> shapes.ServeInfo:
    return shapes.ServeInfo(
        message="Inngest endpoint configured correctly.",
        functions_found=len(shapes.FUNCTIONS), functions=list(shapes.FUNCTIONS), mode="dev",
        has_event_key=False, has_signing_key=False,
    )


def inngest_router() -> Router:
    return Router("/api/v1", route_handlers=[take_events, describe_functions], tags=["studio"])


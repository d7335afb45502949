"""The Production process manager: other services' events in, production steps and commands out.

Two kinds of reaction, each idempotent on its own:
- a foreign event (ScriptDrafted, NarrationCompleted, ..., RenderCompleted) becomes a step
  of the production aggregate, with `command_id = uuid5(event_id)`: a redelivery repeats
  the command id, and the shared handler returns the earlier result without appending;
- the production entering a stage that needs another service (scripting, narrating,
  rendering) sends that service its command, built from the production's history, again
  with `command_id = uuid5(event_id)`: the receiver answers a resend without acting twice.
Commands go out only AFTER the stage change is stored (we react to our own
`ProductionAdvanced`), so the answer to a command can never overtake the stage it belongs to.

Tracking: sending a command cannot join a database transaction, so the tracking row is
written LAST, once every effect is done. A crash before it means a redelivery that repeats
effects which are idempotent by themselves; a redelivery after it finds the row and does
nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID, uuid5

import msgspec
import structlog
from videogen_bus.consumer import TransientError
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.errors import NotFound
from videogen_contracts.project.production import FailureCode, ProductionAdvanced, ProductionQueued
from videogen_contracts.replies import CommandRejected

from project_service.app.production import brief as brief_script
from project_service.app.production import project_script as project_script
from project_service.app.production import requests as requests
from project_service.app.production.handlers import ProductionHandlers
from project_service.app.production.reactions import step_for
from project_service.domain.production.commands import FailProduction, ProductionStepCommand
from project_service.domain.production.decider import (
    FINAL,
    ORDER,
    RETRYABLE,
    IllegalTransition,
    fold,
)

log = structlog.get_logger("project_service.production_policy")

CONSUMER = "production-pm"
# Fixed forever: changing it would give the commands of a redelivered event new ids.
COMMAND_ID_NAMESPACE = UUID("2c8f4b1e-93a7-4d6e-b0c5-71e4f9a2d386")

# stage entered → (service, command name, builder, the failure code if it is refused)
Builder = Callable[[requests.ProductionInputs, str, datetime], msgspec.Struct]
DISPATCH: dict[str, tuple[str, str, Builder, FailureCode]] = {
    "scripting": ("script", "draft_script_from_text", requests.draft_script, "script_failed"),
    "narrating": ("media", "prepare_media", requests.prepare_media, "media_failed"),
    "rendering": ("export", "render_timeline", requests.render_timeline, "render_failed"),
}


class Tracker(Protocol):
    async def seen(self, event_id: UUID) -> bool: ...

    async def mark(self, event_id: UUID) -> None: ...


def command_id_for(event_id: UUID, purpose: str) -> str:
    return str(uuid5(COMMAND_ID_NAMESPACE, f"{event_id}:{purpose}"))


def utc_now() -> datetime:
    return datetime.now(UTC)


class ProductionPolicy:
    def __init__(
        self,
        handlers: ProductionHandlers,
        sender: CommandSender,
        tracker: Tracker,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.handlers = handlers
        self.sender = sender
        self.tracker = tracker
        self.clock = clock

    async def on_event(self, event: RecordedEvent) -> None:
        """React to one delivered event, at most once in effect (see the module docstring)."""
        if await self.tracker.seen(event.event_id):
            return
        await self._react(event)
        await self.tracker.mark(event.event_id)

    async def _react(self, event: RecordedEvent) -> None:
        reaction = step_for(event, command_id_for(event.event_id, "step"), self.clock())
        if isinstance(reaction, ProductionAdvanced):
            wanted = dispatched_stage(reaction)
            if wanted is not None:
                await self._dispatch(reaction, wanted, event)
        elif reaction is not None:
            await self._step(reaction, event)

    async def _step(self, command: ProductionStepCommand, trigger: RecordedEvent) -> None:
        project_id = trigger.metadata.project_id
        try:
            await self.handlers.step(
                command, UUID(project_id) if project_id else None, _caused_by(trigger)
            )
        except IllegalTransition as error:
            if error.current in FINAL or ORDER.index(error.current) >= ORDER.index(error.wanted):
                # The production is already past this step (or over): a late or repeated
                # report that must change nothing.
                log.info("production.stale_event", event_type=trigger.type, error=str(error))
                return
            raise TransientError(f"production not ready for {trigger.type}: {error}") from error
        except NotFound:
            log.info("production.unknown", event_type=trigger.type, event_id=str(trigger.event_id))

    async def _dispatch(
        self, advanced: ProductionAdvanced, wanted: str, trigger: RecordedEvent
    ) -> None:
        """Send the command the entered stage needs, unless the production is already over."""
        service, name, build, failure = DISPATCH[wanted]
        history = await self.handlers.history(advanced.production_id)
        stage = fold(history).stage
        if stage in FINAL:
            return
        inputs = requests.gather(history)
        queued = inputs.queued
        if wanted == "scripting" and queued is not None and queued.kind in ("project", "brief"):
            # Asked only while scripting: once attached, the script must not be re-read
            # (the project may have been edited since; this production renders what it had).
            if stage == "scripting":
                await self._attach_project_script(queued, trigger)
            return
        try:
            payload = build(inputs, command_id_for(trigger.event_id, name), self.clock())
        except requests.IncompleteInputs as error:
            await self._fail(advanced.production_id, trigger, "internal", str(error))
            return
        try:
            reply = await self.sender.send_command(
                service, name, payload,
                correlation_id=trigger.metadata.correlation_id,
                causation_id=str(trigger.event_id),
            )
        except ServiceUnavailable as error:
            raise TransientError(str(error)) from error
        if isinstance(reply, CommandRejected):
            if reply.code == "unavailable":
                raise TransientError(f"{service}.{name}: {reply.message}")
            reason = f"{service} refused {name}: {reply.message}"
            await self._fail(advanced.production_id, trigger, failure, reason)

    async def _attach_project_script(
        self, queued: ProductionQueued, trigger: RecordedEvent
    ) -> None:
        """Kinds "project" and "brief": the script is the studio project's current one,
        asked for now; a brief's is written first."""
        try:
            if queued.kind == "brief":
                await brief_script.write_script(
                    self.sender, queued, command_id_for(trigger.event_id, "brief-script"),
                    self.clock(), correlation_id=trigger.metadata.correlation_id,
                    causation_id=str(trigger.event_id),
                )
            script = await project_script.current_script(
                self.sender, queued.project_id,
                correlation_id=trigger.metadata.correlation_id,
                causation_id=str(trigger.event_id),
            )
            step = project_script.attach_project_script(
                queued, script, command_id_for(trigger.event_id, "project-script"), self.clock()
            )
        except project_script.NoProjectScript as error:
            await self._fail(queued.production_id, trigger, "script_failed", str(error))
            return
        await self._step(step, trigger)

    async def _fail(
        self, production_id: UUID, trigger: RecordedEvent, code: FailureCode, reason: str
    ) -> None:
        log.warning("production.failing", production_id=str(production_id), reason=reason)
        command = FailProduction(
            command_id=command_id_for(trigger.event_id, "fail"), now=self.clock(),
            production_id=production_id, code=code, reason=reason,
        )
        await self._step(command, trigger)


def dispatched_stage(advanced: ProductionAdvanced) -> str | None:
    """Which request a stage change calls for, if any (the key of `DISPATCH`).

    A retry that resumes at captions or visuals asks the media service again: its
    preparation resumes where it stopped, keeping every sentence already narrated.
    """
    if advanced.from_stage == advanced.stage:
        return None
    if advanced.from_stage in RETRYABLE and advanced.stage in ("captioning", "choosing_visuals"):
        return "narrating"
    return advanced.stage if advanced.stage in DISPATCH else None


def _caused_by(trigger: RecordedEvent) -> EventMetadata:
    return EventMetadata(
        correlation_id=trigger.metadata.correlation_id, causation_id=str(trigger.event_id)
    )

"""Who owns a stream, and who may act on it: the kernel's half of issue 13's isolation.

A stream's owner is the owner of its first event (`EventMetadata.owner`): the user of the
actor that created it (videogen_bus.actor). The kernel copies it onto every later event, so
every event says whose it is, and a worker reacting to one acts for that user.

An actor other than the owner, and not an admin, sees the stream as if it did not exist:
it loads as the aggregate's initial state, and a command on it is refused `NotFound`, with
the domain's own wording when the domain refuses the initial state that way. Nothing of
the stream (not even that it exists) is in the answer. A stream with no owner (made by the
system, or before issue 13) is open to every actor, and so is every stream to no actor (the
system itself: a worker reacting to an unowned event, a timer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec
from videogen_bus.actor import current_actor
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.errors import DomainError, NotFound
from videogen_contracts.identity import Actor


def owner_of(recorded: Sequence[RecordedEvent]) -> str | None:
    return recorded[0].metadata.owner if recorded else None


def may_act_on(recorded: Sequence[RecordedEvent], actor: Actor | None) -> bool:
    owner = owner_of(recorded)
    return owner is None or actor is None or actor.admin or actor.user == owner


def visible(recorded: Sequence[RecordedEvent], owned: bool = True) -> Sequence[RecordedEvent]:
    """The stream as the current actor may see it: all of it, or nothing."""
    return recorded if not owned or may_act_on(recorded, current_actor()) else []


def new_owner(recorded: Sequence[RecordedEvent], unit_owner: str | None = None) -> str | None:
    """The owner to stamp on a stream's next events: its own, or for a new stream the unit's
    (a new stream decided together with an owned one belongs to the same user, even when an
    admin or the system decides it), or else the current actor's user."""
    if recorded:
        return owner_of(recorded)
    if unit_owner is not None:
        return unit_owner
    actor = current_actor()
    return actor.user if actor else None


def stamped(
    metadata: EventMetadata, recorded: Sequence[RecordedEvent], owned: bool = True,
    unit_owner: str | None = None,
) -> EventMetadata:
    """`metadata` with the owner of the stream's next events (see `new_owner`)."""
    if not owned:
        return metadata
    return msgspec.structs.replace(metadata, owner=new_owner(recorded, unit_owner))


def refuse_unless_visible(
    stream_id: str, recorded: Sequence[RecordedEvent], decide_unseen: Callable[[], object],
    owned: bool = True,
) -> None:
    """Refuse a command on a stream the current actor may not see: with the domain's own
    `NotFound` for the command on the initial state (`decide_unseen`) if it answers so,
    else a plain one. A stranger's command never succeeds, and no other answer (which would
    depend on what the stream holds) gets through."""
    if not owned or may_act_on(recorded, current_actor()):
        return
    try:
        decide_unseen()
    except NotFound:
        raise
    except DomainError:
        pass
    raise NotFound(f"{stream_id} not found")

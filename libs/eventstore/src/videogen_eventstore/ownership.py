"""Who owns a stream, and who may act on it: the kernel's half of issue 13's isolation.

A stream's owner is the owner of its first event (`EventMetadata.owner`): the user of the
actor that created it (videogen_bus.actor). The kernel copies it onto every later event, so
every event says whose it is, and a worker reacting to one acts for that user. A service
that makes a stream for another stream's owner (a script for a project) may declare that
owner in the metadata it passes (`EventMetadata.owner`); the kernel stamps it on a new
stream only, never over an existing stream's owner.

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


def may_act_for(owner: str | None, actor: Actor | None) -> bool:
    """Whether `actor` may see and act on what `owner` owns (None: nobody, or the system)."""
    return owner is None or actor is None or actor.admin or actor.user == owner


def may_act_on(recorded: Sequence[RecordedEvent], actor: Actor | None) -> bool:
    return may_act_for(owner_of(recorded), actor)


def visible(recorded: Sequence[RecordedEvent], owned: bool = True) -> Sequence[RecordedEvent]:
    """The stream as the current actor may see it: all of it, or nothing."""
    return recorded if not owned or may_act_on(recorded, current_actor()) else []


def new_owner(
    recorded: Sequence[RecordedEvent], declared: str | None = None, unit_owner: str | None = None
) -> str | None:
    """The owner to stamp on a stream's next events: its own; for a new stream, the owner the
    service declared in the metadata (it made the stream for a resource of that user's, say
    a script for a project), else the unit's (a new stream decided together with an owned
    one belongs to the same user), else the current actor's user. The first two keep what
    an admin or the system makes for alice hers."""
    if recorded:
        return owner_of(recorded)
    if declared is not None or unit_owner is not None:
        return declared if declared is not None else unit_owner
    actor = current_actor()
    return actor.user if actor else None


def stamped(
    metadata: EventMetadata, recorded: Sequence[RecordedEvent], owned: bool = True,
    unit_owner: str | None = None,
) -> EventMetadata:
    """`metadata` with the owner of the stream's next events (see `new_owner`)."""
    if not owned:
        return metadata
    owner = new_owner(recorded, metadata.owner, unit_owner)
    return msgspec.structs.replace(metadata, owner=owner)


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

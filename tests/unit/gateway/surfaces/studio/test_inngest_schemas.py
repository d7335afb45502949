"""Reading Inngest events from a request body: one, an array, or an executor's call."""

from __future__ import annotations

import msgspec
import pytest
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.studio.inngest_schemas import (
    GenerateRequested,
    InngestEvent,
    data_as,
    events_of,
)

GENERATE = "script/generate.requested"


def body(value: object) -> bytes:
    return msgspec.json.encode(value)


def test_one_event_an_array_and_an_executor_call() -> None:
    one = {"name": GENERATE, "data": {"projectId": "p"}, "id": "e1", "ts": 1}
    events, single = events_of(body(one))
    assert single
    assert events == [InngestEvent(name=GENERATE, data={"projectId": "p"}, id="e1", ts=1)]
    events, single = events_of(body([one, one | {"id": "e2"}]))
    assert not single
    assert [e.id for e in events] == ["e1", "e2"]
    events, single = events_of(body({"event": one, "steps": {}, "ctx": {}}))
    assert (single, [e.id for e in events]) == (True, ["e1"])
    events, _ = events_of(body({"event": one, "events": [one, one]}))
    assert len(events) == 2


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{", None),
        (body([]), "events"),
        (body({"data": {}}), "name"),
        (body({"name": 3}), "name"),
        (body({"name": "other/event"}), "name"),
        (body([{"name": GENERATE}, {"name": "x"}]), "events[1].name"),
        (body([{"name": GENERATE}, 7]), "events[1]"),
        (body("text"), None),
        # The ledger (PostgreSQL text) cannot keep a NUL: refused, not a 500.
        (body({"name": GENERATE, "id": "a\u0000b"}), "id"),
        (body([{"name": GENERATE}, {"name": GENERATE, "id": "\u0000"}]), "events[1].id"),
    ],
)
def test_bad_bodies_name_the_field(raw: bytes, field: str | None) -> None:
    with pytest.raises(ApiError) as caught:
        events_of(raw)
    assert caught.value.status == 400
    assert caught.value.field == field


def test_data_is_validated_with_the_field_named() -> None:
    event = InngestEvent(name=GENERATE, data={"projectId": "p", "mode": "from-outline",
                                              "targetDuration": 3})
    wanted = data_as(event, GenerateRequested)
    assert (wanted.project_id, wanted.mode, wanted.target_duration) == ("p", "from-outline", 3)
    for data, field in (({}, "data.projectId"), ({"projectId": "p", "mode": "x"}, "data.mode")):
        with pytest.raises(ApiError) as caught:
            data_as(InngestEvent(name=GENERATE, data=data), GenerateRequested)
        assert caught.value.field == field

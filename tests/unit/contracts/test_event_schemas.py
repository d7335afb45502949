"""The committed JSON Schemas and AsyncAPI document match what the contracts generate."""

from __future__ import annotations

import json
from pathlib import Path

from videogen_bus import headers
from videogen_contracts.catalog import event_kinds
from videogen_contracts.schema_gen import DEFAULT_OUT, MESSAGE_HEADERS, render, write

REGENERATE = "stale: run `python -m videogen_contracts.schema_gen` and commit contracts/schemas"


def test_committed_schemas_are_up_to_date() -> None:
    expected = render()
    committed = {
        path.relative_to(DEFAULT_OUT): path.read_text(encoding="utf-8")
        for path in DEFAULT_OUT.rglob("*.json")
    }
    assert sorted(committed) == sorted(expected), REGENERATE
    for relative, text in expected.items():
        assert committed[relative] == text, f"{relative} is {REGENERATE}"


def test_every_event_kind_has_a_schema_and_an_asyncapi_channel() -> None:
    files = render()
    document = json.loads(files[Path("asyncapi.json")])
    for kind in event_kinds():
        assert Path(kind.service, kind.file_name) in files
        channel = document["channels"][f"{kind.service}.{kind.type_name}"]
        assert channel["address"] == f"vg.{kind.service}.{{project_id}}.{kind.type_name}"
        assert kind.type_name in document["components"]["schemas"]


def test_the_documented_headers_are_the_ones_the_bus_sets() -> None:
    documented = set(MESSAGE_HEADERS["properties"])
    assert documented == {
        headers.MSG_ID,
        headers.EVENT_TYPE,
        headers.CORRELATION,
        headers.CAUSATION,
    }


def test_write_removes_schemas_of_events_that_no_longer_exist(tmp_path: Path) -> None:
    stale = tmp_path / "project" / "ProjectRenamed.v1.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    written = write(tmp_path)
    assert not stale.exists()
    assert {p.relative_to(tmp_path) for p in written} == set(render())

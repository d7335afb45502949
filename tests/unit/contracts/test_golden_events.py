"""Golden samples: one per event version, each decodes into its union and re-encodes equal.

A sample is the JSON of an event payload (the envelope's `data`) exactly as it was first
published. Once committed it never changes: if a change to the Structs breaks one, the
change is breaking and needs a new schema_version plus an upcaster, not a new sample.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from videogen_contracts.catalog import EVENT_UNIONS, EventKind, event_kinds

GOLDEN = Path(__file__).resolve().parents[3] / "contracts" / "golden"
KINDS = {(kind.service, kind.file_name): kind for kind in event_kinds()}
SAMPLES = sorted(GOLDEN.glob("*/*.json"))


def test_every_event_version_has_a_golden_sample() -> None:
    missing = [f"{s}/{name}" for s, name in KINDS if not (GOLDEN / s / name).is_file()]
    assert not missing, f"add golden samples for: {missing}"


def test_every_golden_sample_belongs_to_a_registered_service() -> None:
    assert SAMPLES
    for sample in SAMPLES:
        assert sample.parent.name in EVENT_UNIONS, sample


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_sample_decodes_and_reencodes_equal(sample: Path) -> None:
    kind = _kind_of(sample)
    raw = sample.read_bytes()
    event = msgspec.json.decode(raw, type=kind.union)
    assert type(event) is kind.struct
    assert json.loads(msgspec.json.encode(event)) == json.loads(raw)


def _kind_of(sample: Path) -> EventKind:
    kind = KINDS.get((sample.parent.name, sample.name))
    # An older version (v1 while the Struct is at v2) is decoded through its upcaster; no
    # event has one yet, so any sample must name a current version.
    assert kind is not None, f"{sample} names no current event version"
    return kind

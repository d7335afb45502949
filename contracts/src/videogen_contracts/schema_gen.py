"""Generate the public event schemas: `python -m videogen_contracts.schema_gen [out_dir]`.

Writes `<out>/<service>/<EventType>.v<n>.json` (JSON Schema of the event payload, the
envelope's `data`) and `<out>/asyncapi.json` (AsyncAPI 3.0: one channel per event type on
`vg.<service>.{project_id}.<EventType>`, whose message is the `RecordedEvent` envelope).
Output is deterministic, so a test can regenerate it in memory and compare with the repo.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from videogen_contracts.catalog import EventKind, event_kinds
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "schemas"
COMPONENT_REF = "#/components/schemas/{name}"

# The header names are defined by videogen_bus.headers (contracts must not depend on the
# bus); tests/unit/contracts checks that the two agree.
MESSAGE_HEADERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "Nats-Msg-Id": {"type": "string", "format": "uuid", "description": "= event_id"},
        "Vg-Event-Type": {"type": "string", "description": "= type"},
        "Vg-Correlation-Id": {"type": "string"},
        "Vg-Causation-Id": {"type": "string"},
    },
    "required": ["Nats-Msg-Id", "Vg-Event-Type", "Vg-Correlation-Id"],
}


def event_schema(kind: EventKind) -> dict[str, Any]:
    """JSON Schema of one event payload."""
    schema = msgspec.json.schema(kind.struct)
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{kind.service}/{kind.file_name}", **schema}


def asyncapi_document(kinds: list[EventKind]) -> dict[str, Any]:
    _, schemas = msgspec.json.schema_components(
        [RecordedEvent, *(k.struct for k in kinds)], ref_template=COMPONENT_REF
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for kind in kinds:
        key = f"{kind.service}.{kind.type_name}"
        channels[key] = _channel(kind)
        operations[f"receive.{key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{kind.type_name}"}],
        }
        messages[key] = _message(kind)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "VideoGen events",
            "version": "1.0.0",
            "description": (
                "Events every service publishes to its JetStream stream VG_<SERVICE>. "
                "Each message body is a RecordedEvent envelope whose `data` is the event "
                "payload. Subscribe to vg.*.{project_id}.> for everything about one project."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _channel(kind: EventKind) -> dict[str, Any]:
    key = f"{kind.service}.{kind.type_name}"
    return {
        "address": Namespace().event_subject(kind.service, "{project_id}", kind.type_name),
        "parameters": {"project_id": {"description": "The project the event belongs to."}},
        "messages": {kind.type_name: {"$ref": f"#/components/messages/{key}"}},
    }


def _message(kind: EventKind) -> dict[str, Any]:
    envelope = {"$ref": COMPONENT_REF.format(name="RecordedEvent")}
    specific = {
        "type": "object",
        "properties": {
            "service": {"const": kind.service},
            "type": {"const": kind.type_name},
            "schema_version": {"const": kind.schema_version},
            "data": {"$ref": COMPONENT_REF.format(name=kind.type_name)},
        },
    }
    return {
        "name": kind.type_name, "title": f"{kind.type_name} v{kind.schema_version}",
        "headers": MESSAGE_HEADERS, "payload": {"allOf": [envelope, specific]},
    }


def render() -> dict[Path, str]:
    """Every generated file, by path relative to the output directory."""
    kinds = list(event_kinds())
    files = {Path(k.service) / k.file_name: _dump(event_schema(k)) for k in kinds}
    files[Path("asyncapi.json")] = _dump(asyncapi_document(kinds))
    return files


def write(out: Path) -> list[Path]:
    """Write the files, and remove generated files that no event produces any more."""
    files = render()
    for path in sorted(out.glob("*/*.json")):
        if path.relative_to(out) not in files:
            path.unlink()
    for relative, text in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(out / relative for relative in files)


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    for path in write(out):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])

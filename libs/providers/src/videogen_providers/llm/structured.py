"""The JSON the model must answer with: strict JSON Schemas from the Structs, and decoding.

OpenAI's strict structured output wants an object at the root, `additionalProperties: false`
on every object and every property required; msgspec gives a `$ref` root and leaves those
out, so `strict_schema` adjusts what it generates rather than us writing schemas by hand.
Checks a schema cannot express portably (no empty lists, no blank sentences) are made after
decoding, and fail the same way a schema mismatch does, so the model gets one retry.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from videogen_providers.llm.base import OutlineDraft, OutlineSection, SectionScript

T = TypeVar("T")


class SectionsPayload(msgspec.Struct, frozen=True, kw_only=True):
    sections: list[SectionScript]


class SentencesPayload(msgspec.Struct, frozen=True, kw_only=True):
    sentences: list[str]


class InvalidOutput(ValueError):
    """The answer did not match the schema; the message is fed back to the model."""


def strict_schema(kind: type[Any]) -> dict[str, Any]:
    generated = msgspec.json.schema(kind)
    defs: dict[str, Any] = generated.pop("$defs", {})
    ref = generated.get("$ref")
    root = defs.pop(ref.rsplit("/", 1)[-1]) if isinstance(ref, str) else generated
    if defs:
        root["$defs"] = defs
    _close_objects(root)
    return root


def _close_objects(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        for child in node.values():
            _close_objects(child)
    elif isinstance(node, list):
        for child in node:
            _close_objects(child)


def decode(content: str | None, kind: type[T]) -> T:
    if content is None or not content.strip():
        raise InvalidOutput("the reply was empty; a JSON object was expected")
    try:
        value = msgspec.json.decode(_unfenced(content), type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise InvalidOutput(str(error)) from error
    _check(value)
    return value


def _unfenced(content: str) -> str:
    """Servers without schema enforcement sometimes wrap the JSON in a ``` fence."""
    text = content.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        return text.rsplit("```", 1)[0]
    return text


def _check(value: object) -> None:
    match value:
        case OutlineDraft(sections=sections):
            _require(sections, "`sections` must not be empty")
            for i, section in enumerate(sections):
                _check_section(section, f"$.sections[{i}]")
        case OutlineSection():
            _check_section(value, "$")
        case SectionScript(title=title, sentences=sentences):
            _require(title.strip(), "`title` must not be blank")
            _check_sentences(sentences, "$.sentences")
        case SectionsPayload(sections=sections):
            _require(sections, "`sections` must not be empty")
            for i, script in enumerate(sections):
                _require(script.title.strip(), f"`$.sections[{i}].title` must not be blank")
                _check_sentences(script.sentences, f"$.sections[{i}].sentences")
        case SentencesPayload(sentences=sentences):
            _check_sentences(sentences, "$.sentences")


def _check_section(section: OutlineSection, path: str) -> None:
    _require(section.title.strip(), f"`{path}.title` must not be blank")
    _require(section.target_minutes > 0, f"`{path}.target_minutes` must be above 0")


def _check_sentences(sentences: list[str], path: str) -> None:
    _require(sentences, f"`{path}` must not be empty")
    for i, sentence in enumerate(sentences):
        _require(sentence.strip(), f"`{path}[{i}]` must not be blank")


def _require(condition: object, message: str) -> None:
    if not condition:
        raise InvalidOutput(message)

"""The GenerationRun aggregate as a pure decider: queued → running → completed | failed.

Queued by `generation_start.decide_start` (with the project's script lock); the rest is
decided on behalf of the worker, one step per section. Steps are idempotent: a worker that
resumes a run after a crash asks for steps already taken, and gets no events for them.
A terminal run takes no further step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, TypedDict, assert_never
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.events import LLMUsage, ScriptSection
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    GenerationMode,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
)

RunStatus = Literal["none", "queued", "running", "completed", "failed"]


@dataclass(frozen=True, slots=True)
class GenerationRun:
    status: RunStatus = "none"
    job_id: UUID | None = None
    project_id: UUID | None = None
    mode: GenerationMode = "auto"
    outline_id: UUID | None = None
    target_minutes: float = 0.0
    titles: tuple[str, ...] = ()
    started_sections: frozenset[int] = frozenset()
    written: Mapping[int, ScriptSection] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")

    def sections_in_order(self) -> list[ScriptSection]:
        return [self.written[i] for i in sorted(self.written)]


INITIAL_RUN = GenerationRun()


@dataclass(frozen=True, slots=True)
class BeginRun:
    command_id: str
    now: datetime
    outline_id: UUID
    titles: list[str]


@dataclass(frozen=True, slots=True)
class StartSection:
    command_id: str
    now: datetime
    index: int


@dataclass(frozen=True, slots=True)
class CompleteSection:
    command_id: str
    now: datetime
    index: int
    section: ScriptSection
    provider_label: str
    usage: LLMUsage | None = None


@dataclass(frozen=True, slots=True)
class FinishRun:
    command_id: str
    now: datetime
    script_id: UUID
    total_sentences: int
    total_duration_minutes: float


@dataclass(frozen=True, slots=True)
class FailRun:
    command_id: str
    now: datetime
    message: str
    code: str
    section_index: int | None = None


RunCommand = BeginRun | StartSection | CompleteSection | FinishRun | FailRun


def evolve_run(state: GenerationRun, event: GenerationEvent) -> GenerationRun:
    match event:
        case GenerationQueued():
            return GenerationRun(
                status="queued", job_id=event.job_id, project_id=event.project_id, mode=event.mode,
                outline_id=event.outline_id, target_minutes=event.target_minutes,
            )
        case GenerationStarted():
            return replace(
                state, status="running", outline_id=event.outline_id,
                titles=tuple(event.section_titles),
            )
        case GenerationSectionStarted():
            return replace(state, started_sections=state.started_sections | {event.section_index})
        case GenerationSectionCompleted():
            return replace(state, written={**state.written, event.section_index: event.section})
        case GenerationCompleted():
            return replace(state, status="completed")
        case GenerationFailed():
            return replace(state, status="failed")
        case _:
            assert_never(event)


def fold_run(
    events: Iterable[GenerationEvent], state: GenerationRun = INITIAL_RUN
) -> GenerationRun:
    for event in events:
        state = evolve_run(state, event)
    return state


def decide_run(command: RunCommand, state: GenerationRun) -> list[GenerationEvent]:
    if state.job_id is None or state.project_id is None:
        raise NotFound("generation run not found")
    if state.finished:
        return []  # a late or repeated step of a run that already ended
    ids = _Ids(job_id=state.job_id, project_id=state.project_id)
    match command:
        case BeginRun():
            return _begin(command, state, ids)
        case StartSection():
            return _start_section(command, state, ids)
        case CompleteSection():
            return _complete_section(command, state, ids)
        case FinishRun():
            return _finish(command, state, ids)
        case FailRun():
            return [
                GenerationFailed(
                    **ids, message=command.message, code=command.code,
                    section_index=command.section_index, failed_at=command.now,
                )
            ]
        case _:
            assert_never(command)


class _Ids(TypedDict):
    job_id: UUID
    project_id: UUID


def _begin(command: BeginRun, state: GenerationRun, ids: _Ids) -> list[GenerationEvent]:
    if state.status == "running":
        return []
    if not command.titles:
        raise Invalid("titles", "a run needs at least one section")
    return [
        GenerationStarted(
            **ids, outline_id=command.outline_id, total_sections=len(command.titles),
            section_titles=list(command.titles), started_at=command.now,
        )
    ]


def _start_section(command: StartSection, state: GenerationRun, ids: _Ids) -> list[GenerationEvent]:
    _check_index(state, command.index)
    if command.index in state.started_sections:
        return []
    return [
        GenerationSectionStarted(
            **ids, section_index=command.index, total_sections=len(state.titles),
            title=state.titles[command.index], started_at=command.now,
        )
    ]


def _complete_section(
    command: CompleteSection, state: GenerationRun, ids: _Ids
) -> list[GenerationEvent]:
    _check_index(state, command.index)
    if command.index in state.written:
        return []
    return [
        GenerationSectionCompleted(
            **ids, section_index=command.index, total_sections=len(state.titles),
            section=command.section, provider_label=command.provider_label, usage=command.usage,
            completed_at=command.now,
        )
    ]


def _finish(command: FinishRun, state: GenerationRun, ids: _Ids) -> list[GenerationEvent]:
    missing = [i for i in range(len(state.titles)) if i not in state.written]
    if state.status != "running" or missing:
        raise Conflict(f"generation {state.job_id} still has sections to write: {missing}")
    return [
        GenerationCompleted(
            **ids, script_id=command.script_id, total_sentences=command.total_sentences,
            total_duration_minutes=command.total_duration_minutes, completed_at=command.now,
        )
    ]


def _check_index(state: GenerationRun, index: int) -> None:
    if state.status != "running":
        raise Conflict(f"generation {state.job_id} has not started")
    if not 0 <= index < len(state.titles):
        raise Invalid("index", f"section index {index} outside 0..{len(state.titles) - 1}")

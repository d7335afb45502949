"""The studio surface's script editing (seed 000): sections and sentences.

Routes that name only a section or a sentence find its project in the read model (an
unknown id is a 404 before anything is sent); the script service then decides, on the
project's one current script, with an expected version, so two concurrent edits are both
applied in order or one is refused: never a lost update.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Router, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.script.commands import (
    AcceptExpansion,
    DeleteSentence,
    MoveSentence,
    ReorderSections,
    ReorderSentences,
    UpdateSentence,
)
from videogen_contracts.script.queries import ExpandSection, ExpansionSuggestions
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import ApiError, problems
from videogen_gateway.readmodels.scripts.queries import ScriptQueries, SectionRow, SentenceRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import script_schemas as shapes
from videogen_gateway.surfaces.studio.project_schemas import SectionOut, SentenceOut
from videogen_gateway.surfaces.studio.script_routes import (
    LLM_WAIT_SECONDS,
    SERVICE,
    existing_project,
    new_ids,
    parse_id,
    project_version,
    send_script,
)
from videogen_gateway.surfaces.studio.script_schemas import (
    AcceptBody,
    Deleted,
    ExpandBody,
    MoveBody,
    ReorderSectionsBody,
    ReorderSentencesBody,
    ScriptOut,
    SentenceBody,
    SuggestionsOut,
)
from videogen_runtime.logs import current_correlation_id, new_correlation_id


def _scripts(rt: Runtime) -> ScriptQueries:
    return ScriptQueries(rt.pool, rt.schema)


async def _section(rt: Runtime, section_id: UUID) -> SectionRow:
    row = await _scripts(rt).section(section_id)
    if row is None:
        raise ApiError(404, f"section {section_id} not found")
    return row


async def _sentence(rt: Runtime, sentence_id: UUID) -> SentenceRow:
    row = await _scripts(rt).sentence(sentence_id)
    if row is None:
        raise ApiError(404, f"sentence {sentence_id} not found")
    return row


@get(
    "/sections/{section_id:str}",
    summary="A section with its ordered sentences",
    responses=problems(404),
)
async def get_section(state: State, section_id: FromPath[str]) -> SectionOut:
    rt = runtime_of(state)
    return shapes.section_out(await _section(rt, parse_id(section_id, "section")))


@post(
    "/sections/{section_id:str}/ai-expand",
    status_code=HTTP_200_OK,
    summary="Suggest sentences to add to a section (changes nothing)",
    responses=problems(400, 404, 503),
)
async def expand_section(
    state: State, section_id: FromPath[str], data: JSONBody[ExpandBody | None] = None
) -> SuggestionsOut:
    rt = runtime_of(state)
    section = await _section(rt, parse_id(section_id, "section"))
    query = ExpandSection(
        project_id=section.project_id,
        section_id=section.id,
        project_version=await project_version(rt, section.project_id),
    )
    if data and data.count is not None:
        query = msgspec.structs.replace(query, count=data.count)
    correlation_id = current_correlation_id() or new_correlation_id()
    try:
        reply = await rt.dispatcher.query(
            SERVICE, "expand_section", query, correlation_id, attempt_timeout=LLM_WAIT_SECONDS
        )
    except CommandRefused as refused:
        raise shapes.script_rejection(refused.rejection) from None
    answer = msgspec.json.decode(reply.answer, type=ExpansionSuggestions)
    return SuggestionsOut(
        section_id=section.id, suggestions=answer.sentences, provider_label=answer.provider_label
    )


@post(
    "/sections/{section_id:str}/ai-expand/accept",
    status_code=201,
    summary="Insert accepted suggestions into a section",
    responses=problems(400, 404, 409, 503),
)
async def accept_expansion(
    state: State, section_id: FromPath[str], data: JSONBody[AcceptBody]
) -> SectionOut:
    rt = runtime_of(state)
    section = await _section(rt, parse_id(section_id, "section"))
    command_id, now = new_ids()
    await send_script(
        rt,
        "accept_expansion",
        AcceptExpansion(
            command_id=command_id,
            now=now,
            project_id=section.project_id,
            section_id=section.id,
            sentences=data.sentences,
            position=data.position,
        ),
    )
    return shapes.section_out(await _section(rt, section.id))


@post(
    "/sections/reorder",
    status_code=HTTP_200_OK,
    summary="Reorder a project's sections",
    responses=problems(400, 404, 409, 503),
)
async def reorder_sections(state: State, data: JSONBody[ReorderSectionsBody]) -> ScriptOut:
    rt = runtime_of(state)
    pid = await existing_project(rt, str(data.project_id))
    command_id, now = new_ids()
    await send_script(
        rt,
        "reorder_sections",
        ReorderSections(
            command_id=command_id,
            now=now,
            project_id=pid,
            section_ids=data.section_ids,
        ),
    )
    return shapes.script_out(pid, await _scripts(rt).sections_of(pid))


@post(
    "/sentences/reorder",
    status_code=HTTP_200_OK,
    summary="Reorder a section's sentences",
    responses=problems(400, 404, 409, 503),
)
async def reorder_sentences(state: State, data: JSONBody[ReorderSentencesBody]) -> SectionOut:
    rt = runtime_of(state)
    section = await _section(rt, data.section_id)
    command_id, now = new_ids()
    await send_script(
        rt,
        "reorder_sentences",
        ReorderSentences(
            command_id=command_id,
            now=now,
            project_id=section.project_id,
            section_id=section.id,
            sentence_ids=data.sentence_ids,
        ),
    )
    return shapes.section_out(await _section(rt, section.id))


@post(
    "/sentences/{sentence_id:str}/move",
    status_code=HTTP_200_OK,
    summary="Move a sentence to a section and position (past the end: to the end)",
    responses=problems(400, 404, 409, 503),
)
async def move_sentence(
    state: State, sentence_id: FromPath[str], data: JSONBody[MoveBody]
) -> SentenceOut:
    rt = runtime_of(state)
    sentence = await _sentence(rt, parse_id(sentence_id, "sentence"))
    target = await _section(rt, data.target_section_id)
    if target.project_id != sentence.project_id:
        raise ApiError(400, "targetSectionId is a section of another project", "targetSectionId")
    command_id, now = new_ids()
    await send_script(
        rt,
        "move_sentence",
        MoveSentence(
            command_id=command_id,
            now=now,
            project_id=sentence.project_id,
            sentence_id=sentence.id,
            target_section_id=target.id,
            position=data.position,
        ),
    )
    return shapes.sentence_out(await _sentence(rt, sentence.id))


@put(
    "/sentences/{sentence_id:str}",
    summary="Change a sentence's text (its narration is stale)",
    responses=problems(400, 404, 409, 503),
)
async def update_sentence(
    state: State, sentence_id: FromPath[str], data: JSONBody[SentenceBody]
) -> SentenceOut:
    rt = runtime_of(state)
    sentence = await _sentence(rt, parse_id(sentence_id, "sentence"))
    command_id, now = new_ids()
    await send_script(
        rt,
        "update_sentence",
        UpdateSentence(
            command_id=command_id,
            now=now,
            project_id=sentence.project_id,
            sentence_id=sentence.id,
            text=data.text,
        ),
    )
    return shapes.sentence_out(await _sentence(rt, sentence.id))


@delete(
    "/sentences/{sentence_id:str}",
    status_code=HTTP_200_OK,
    summary="Delete a sentence",
    responses=problems(404, 409, 503),
)
async def delete_sentence(state: State, sentence_id: FromPath[str]) -> Deleted:
    rt = runtime_of(state)
    sentence = await _sentence(rt, parse_id(sentence_id, "sentence"))
    command_id, now = new_ids()
    await send_script(
        rt,
        "delete_sentence",
        DeleteSentence(
            command_id=command_id,
            now=now,
            project_id=sentence.project_id,
            sentence_id=sentence.id,
        ),
    )
    return Deleted()


def studio_editing_router() -> Router:
    return Router(
        "/api/v1",
        route_handlers=[
            get_section,
            expand_section,
            accept_expansion,
            reorder_sections,
            reorder_sentences,
            move_sentence,
            update_sentence,
            delete_sentence,
        ],
        tags=["studio"],
    )

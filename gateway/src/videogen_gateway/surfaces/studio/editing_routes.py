"""The studio surface's script editing (seed 000): sections and sentences.

Routes that name only a section or a sentence find its project in the read model (an
unknown id is a 404 before anything is sent, or any body read); the script service then
decides, on the project's one current script, with an expected version, so two concurrent
edits are both applied in order or one is refused: never a lost update.
"""

from __future__ import annotations

import msgspec
from litestar import Router, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.script import commands
from videogen_contracts.script.queries import ExpandSection, ExpansionSuggestions
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import CommandRefused, stamped
from videogen_gateway.openapi import described, problems
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.studio import script_schemas as shapes
from videogen_gateway.surfaces.studio.lookups import (
    existing_project,
    known_path_ids,
    parse_id,
    scripts,
    section_of,
    sentence_of,
)
from videogen_gateway.surfaces.studio.project_schemas import Deleted, SectionOut, SentenceOut
from videogen_gateway.surfaces.studio.script_routes import SERVICE, project_version, send_script


@get(
    "/sections/{section_id:str}", summary="A section with its ordered sentences",
    operation_id="StudioGetSection", responses=problems(400, 404, 503),
)
async def get_section(state: State, section_id: FromPath[str]) -> SectionOut:
    return shapes.section_out(await section_of(runtime_of(state), parse_id(section_id, "section")))


@post(
    "/sections/{section_id:str}/ai-expand", status_code=HTTP_200_OK,
    opt=costly("generate"),
    summary="Suggest sentences to add to a section (changes nothing)",
    operation_id="StudioExpandSection", guards=known_path_ids,
    responses=problems(400, 404, 413, 503), operation_class=described(),
)
async def expand_section(
    state: State, section_id: FromPath[str], data: JSONBody[shapes.ExpandBody | None] = None
) -> shapes.SuggestionsOut:
    rt = runtime_of(state)
    section = await section_of(rt, parse_id(section_id, "section"))
    query = ExpandSection(
        project_id=section.project_id, section_id=section.id,
        project_version=await project_version(rt, section.project_id),
    )
    if data and data.count is not None:
        query = msgspec.structs.replace(query, count=data.count)
    try:
        reply = await rt.dispatcher.query(
            SERVICE, "expand_section", query, attempt_timeout=rt.options.llm_wait
        )
    except CommandRefused as refused:
        raise shapes.script_rejection(refused.rejection) from None
    answer = msgspec.json.decode(reply.answer, type=ExpansionSuggestions)
    return shapes.SuggestionsOut(
        section_id=section.id, suggestions=answer.sentences, provider_label=answer.provider_label
    )


@post(
    "/sections/{section_id:str}/ai-expand/accept", status_code=201,
    summary="Insert accepted suggestions into a section", operation_id="StudioAcceptExpansion",
    guards=known_path_ids, responses=problems(400, 404, 409, 413, 503),
)
async def accept_expansion(
    state: State, section_id: FromPath[str], data: JSONBody[shapes.AcceptBody]
) -> SectionOut:
    rt = runtime_of(state)
    section = await section_of(rt, parse_id(section_id, "section"))
    await send_script(rt, "accept_expansion", stamped(
        commands.AcceptExpansion, project_id=section.project_id, section_id=section.id,
        sentences=data.sentences, position=data.position,
    ))
    return shapes.section_out(await section_of(rt, section.id))


@post(
    "/sections/reorder", status_code=HTTP_200_OK, summary="Reorder a project's sections",
    responses=problems(400, 404, 409, 413, 503),
)
async def reorder_sections(
    state: State, data: JSONBody[shapes.ReorderSectionsBody]
) -> shapes.ScriptOut:
    rt = runtime_of(state)
    pid = await existing_project(rt, str(data.project_id))
    command = stamped(commands.ReorderSections, project_id=pid, section_ids=data.section_ids)
    await send_script(rt, "reorder_sections", command)
    return shapes.script_out(pid, await scripts(rt).sections_of(pid))


@post(
    "/sentences/reorder", status_code=HTTP_200_OK, summary="Reorder a section's sentences",
    responses=problems(400, 404, 409, 413, 503),
)
async def reorder_sentences(
    state: State, data: JSONBody[shapes.ReorderSentencesBody]
) -> SectionOut:
    rt = runtime_of(state)
    section = await section_of(rt, data.section_id)
    await send_script(rt, "reorder_sentences", stamped(
        commands.ReorderSentences, project_id=section.project_id, section_id=section.id,
        sentence_ids=data.sentence_ids,
    ))
    return shapes.section_out(await section_of(rt, section.id))


@post(
    "/sentences/{sentence_id:str}/move", status_code=HTTP_200_OK,
    summary="Move a sentence to a section and position (past the end: to the end)",
    operation_id="StudioMoveSentence", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503),
)
async def move_sentence(
    state: State, sentence_id: FromPath[str], data: JSONBody[shapes.MoveBody]
) -> SentenceOut:
    rt = runtime_of(state)
    sentence = await sentence_of(rt, parse_id(sentence_id, "sentence"))
    command = stamped(
        commands.MoveSentence, project_id=sentence.project_id, sentence_id=sentence.id,
        target_section_id=data.target_section_id, position=data.position,
    )
    try:
        await rt.dispatcher.send_and_wait(SERVICE, "move_sentence", command)
    except CommandRefused as refused:
        # The decider knows only this project's script: a target it does not find there
        # is unknown (404), or a section of another project, which the studio calls a 400.
        elsewhere = await scripts(rt).section(data.target_section_id) is not None
        raise shapes.move_rejection(refused.rejection, target_elsewhere=elsewhere) from None
    return shapes.sentence_out(await sentence_of(rt, sentence.id))


@put(
    "/sentences/{sentence_id:str}", summary="Change a sentence's text (its narration is stale)",
    operation_id="StudioUpdateSentence", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503),
)
async def update_sentence(
    state: State, sentence_id: FromPath[str], data: JSONBody[shapes.SentenceBody]
) -> SentenceOut:
    rt = runtime_of(state)
    sentence = await sentence_of(rt, parse_id(sentence_id, "sentence"))
    await send_script(rt, "update_sentence", stamped(
        commands.UpdateSentence, project_id=sentence.project_id, sentence_id=sentence.id,
        text=data.text,
    ))
    return shapes.sentence_out(await sentence_of(rt, sentence.id))


@delete(
    "/sentences/{sentence_id:str}", status_code=HTTP_200_OK, summary="Delete a sentence",
    operation_id="StudioDeleteSentence", responses=problems(400, 404, 409, 503),
)
async def delete_sentence(state: State, sentence_id: FromPath[str]) -> Deleted:
    rt = runtime_of(state)
    sentence = await sentence_of(rt, parse_id(sentence_id, "sentence"))
    await send_script(rt, "delete_sentence", stamped(
        commands.DeleteSentence, project_id=sentence.project_id, sentence_id=sentence.id
    ))
    return Deleted()


def studio_editing_router() -> Router:
    return Router(
        "/api/v1",
        route_handlers=[get_section, expand_section, accept_expansion, reorder_sections,
                        reorder_sentences, move_sentence, update_sentence, delete_sentence],
        tags=["studio"],
    )

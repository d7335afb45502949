"""The studio script workflow through the script service on real PostgreSQL and NATS, with
the offline writer: quick-generate and every edit over request/reply, a generation run end
to end in the service (published on NATS), and "one run at a time" under concurrency."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest
from script_service.config import ScriptConfig
from videogen_contracts.replies import CommandAccepted, CommandRejected
from videogen_contracts.script.commands import (
    AcceptExpansion,
    DeleteSentence,
    MoveSentence,
    QuickGenerate,
    ReorderSentences,
    StartGeneration,
    UpdateSentence,
)
from videogen_contracts.script.generation import GenerationCompleted
from videogen_contracts.script.queries import (
    ExpandSection,
    ExpansionSuggestions,
    GetProjectScript,
    ProjectScript,
)
from videogen_contracts.subjects import Namespace

from tests.unit.services.script.writers import CountingWriter

from .conftest import CAST_DESCRIPTION, PROJECT_VERSION, ScriptClient, StartScript, now, run_end

pytestmark = pytest.mark.timeout(90)


def cid() -> str:
    return str(uuid.uuid4())


async def current(client: ScriptClient, project_id: uuid.UUID) -> ProjectScript:
    answer: ProjectScript = await client.query(
        "get_project_script", GetProjectScript(project_id=project_id), ProjectScript
    )
    return answer


async def test_quick_generate_then_every_edit_over_the_bus(
    start_script: StartScript, client: ScriptClient
) -> None:
    writer = CountingWriter()
    await start_script(writer=writer)
    pid = await client.project()
    await client.ok(
        "quick_generate",
        QuickGenerate(command_id=cid(), now=now(), project_id=pid, project_version=PROJECT_VERSION),
    )
    assert CAST_DESCRIPTION in [c.description for c in writer.briefs[0].cast]
    script = await current(client, pid)
    first, second = script.sections[0], script.sections[1]
    ids = [n.sentence_id for n in first.sentences]

    await client.ok(
        "reorder_sentences",
        ReorderSentences(
            command_id=cid(),
            now=now(),
            project_id=pid,
            section_id=first.section_id,
            sentence_ids=list(reversed(ids)),
        ),
    )
    await client.ok(
        "move_sentence",
        MoveSentence(
            command_id=cid(),
            now=now(),
            project_id=pid,
            sentence_id=ids[0],
            target_section_id=second.section_id,
            position=10_000,
        ),
    )
    await client.ok(
        "update_sentence",
        UpdateSentence(
            command_id=cid(), now=now(), project_id=pid, sentence_id=ids[1], text="Edited."
        ),
    )
    await client.ok(
        "delete_sentence",
        DeleteSentence(command_id=cid(), now=now(), project_id=pid, sentence_id=ids[2]),
    )
    suggestions: ExpansionSuggestions = await client.query(
        "expand_section",
        ExpandSection(project_id=pid, section_id=second.section_id, count=2),
        ExpansionSuggestions,
    )
    assert (len(suggestions.sentences), suggestions.provider_label) == (2, "offline")
    await client.ok(
        "accept_expansion",
        AcceptExpansion(
            command_id=cid(),
            now=now(),
            project_id=pid,
            section_id=second.section_id,
            sentences=suggestions.sentences,
            position=0,
        ),
    )

    after = await current(client, pid)
    moved_to = [n.sentence_id for n in after.sections[1].sentences]
    assert moved_to[-1] == ids[0]  # past the end: clamped to the end
    assert [n.text for n in after.sections[1].sentences][:2] == suggestions.sentences
    texts = {n.sentence_id: n.text for s in after.sections for n in s.sentences}
    assert texts[ids[1]] == "Edited."
    assert ids[2] not in texts


async def test_bad_edits_are_refused_with_typed_reasons(
    start_script: StartScript, client: ScriptClient
) -> None:
    await start_script()
    pid, other = await client.project(), await client.project()
    for project in (pid, other):
        await client.ok(
            "quick_generate",
            QuickGenerate(
                command_id=cid(), now=now(), project_id=project, project_version=PROJECT_VERSION
            ),
        )
    mine, theirs = (
        (await current(client, pid)).sections[0],
        (await current(client, other)).sections[0],
    )
    foreign = [n.sentence_id for n in mine.sentences[1:]] + [theirs.sentences[0].sentence_id]
    cases: list[tuple[str, msgspec.Struct, str, str | None]] = [
        (
            "reorder_sentences",
            ReorderSentences(
                command_id=cid(),
                now=now(),
                project_id=pid,
                section_id=mine.section_id,
                sentence_ids=foreign,
            ),
            "invalid",
            "sentence_ids",
        ),
        (
            "accept_expansion",
            AcceptExpansion(
                command_id=cid(),
                now=now(),
                project_id=pid,
                section_id=mine.section_id,
                sentences=[],
            ),
            "invalid",
            "sentences",
        ),
        (
            "move_sentence",
            MoveSentence(
                command_id=cid(),
                now=now(),
                project_id=pid,
                sentence_id=mine.sentences[0].sentence_id,
                target_section_id=theirs.section_id,
                position=0,
            ),
            # The decider names the target, so the gateway can tell another project's
            # section (400) from one that does not exist (404).
            "not_found",
            "target_section_id",
        ),
        (
            "delete_sentence",
            DeleteSentence(command_id=cid(), now=now(), project_id=pid, sentence_id=uuid.uuid4()),
            "not_found",
            None,
        ),
        (
            "quick_generate",
            QuickGenerate(command_id=cid(), now=now(), project_id=uuid.uuid4()),
            "not_found",
            None,
        ),
    ]
    for name, command, code, field in cases:
        reply = await client.script(name, command)
        assert isinstance(reply, CommandRejected), (name, reply)
        assert (reply.code, reply.field) == (code, field), (name, reply)
    raw = await client.send("script", "reorder_sections", msgspec.json.encode({"project_id": 1}))
    assert isinstance(raw, CommandRejected)
    assert raw.code == "invalid"


async def test_a_generation_run_end_to_end_in_the_service(
    start_script: StartScript, client: ScriptClient, ns: Namespace
) -> None:
    service = await start_script()
    pid = await client.project(target_minutes=3)
    job = uuid.uuid4()
    command = StartGeneration(command_id=cid(), now=now(), project_id=pid, job_id=job)
    accepted = await client.ok("start_generation", command)
    assert accepted.stream_id == f"generation-{job}"
    again = await client.ok("start_generation", command)  # a resend: the same run, once
    assert (again.duplicate, again.stream_version) == (True, accepted.stream_version)
    done = await run_end(service, job)
    assert isinstance(done, GenerationCompleted)
    script = await current(client, pid)
    assert done.total_sentences == sum(len(s.sentences) for s in script.sections)
    assert done.total_duration_minutes == pytest.approx(3, rel=0.35)
    # Published on NATS for the gateway: everything about the project on vg.*.<project>.>.
    js = client.nc.jetstream()
    last = await js.get_last_msg(
        ns.stream_name("script"), ns.event_subject("script", str(pid), "GenerationCompleted")
    )
    assert last.data is not None
    assert str(job).encode() in last.data


async def test_one_generation_at_a_time_per_project_even_when_started_concurrently(
    start_script: StartScript, client: ScriptClient
) -> None:
    # The sections never get written, so the first run stays running.
    await start_script(
        writer=CountingWriter(hang=["section_script"]), config=ScriptConfig(llm_deadline=60)
    )
    pid = await client.project()
    starts = [
        StartGeneration(command_id=cid(), now=now(), project_id=pid, job_id=uuid.uuid4())
        for _ in range(6)
    ]
    replies = await asyncio.gather(*(client.script("start_generation", s) for s in starts))
    accepted = [r for r in replies if isinstance(r, CommandAccepted)]
    conflicts = [r for r in replies if isinstance(r, CommandRejected) and r.code == "conflict"]
    assert (len(accepted), len(conflicts)) == (1, 5), replies
    later = StartGeneration(command_id=cid(), now=now(), project_id=pid, job_id=uuid.uuid4())
    reply = await client.script("start_generation", later)
    assert isinstance(reply, CommandRejected)
    assert reply.code == "conflict"
    quick = await client.script(
        "quick_generate",
        QuickGenerate(command_id=cid(), now=now(), project_id=pid, project_version=PROJECT_VERSION),
    )
    assert isinstance(quick, CommandRejected)
    assert quick.code == "conflict"


async def test_concurrent_reorders_of_one_section_apply_one_after_the_other(
    start_script: StartScript, client: ScriptClient
) -> None:
    await start_script()
    pid = await client.project()
    await client.ok(
        "quick_generate",
        QuickGenerate(command_id=cid(), now=now(), project_id=pid, project_version=PROJECT_VERSION),
    )
    section = (await current(client, pid)).sections[0]
    ids = [n.sentence_id for n in section.sentences]
    assert len(ids) >= 6  # so the six orders below all differ
    # Six editors at once, each with a complete (and different) order of the section.
    orders = [ids[i:] + ids[:i] for i in range(1, 6)] + [ids[::-1]]
    replies = await asyncio.gather(
        *(
            client.ok(
                "reorder_sentences",
                ReorderSentences(
                    command_id=cid(),
                    now=now(),
                    project_id=pid,
                    section_id=section.section_id,
                    sentence_ids=order,
                ),
            )
            for order in orders
        )
    )
    versions = sorted(r.stream_version for r in replies)
    assert versions == list(range(versions[0], versions[0] + len(orders)))  # none lost
    last = orders[max(range(len(orders)), key=lambda i: replies[i].stream_version)]
    assert [n.sentence_id for n in (await current(client, pid)).sections[0].sentences] == last

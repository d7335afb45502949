"""The generation worker on the in-memory store: a whole run with the offline writer, runs
from an outline, broken models (fail clearly, release the project), resuming after a crash,
and "one run at a time" per project."""

from __future__ import annotations

from uuid import UUID

import pytest
from script_service.workers.generation import auto_outline_id
from videogen_contracts.errors import Conflict, Invalid
from videogen_contracts.script.commands import GenerateOutline, QuickGenerate
from videogen_contracts.script.events import (
    ScriptReplaced,
    event_decoder,
    stream_id_for,
    studio_script_id,
)
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    GenerationSectionStarted,
    generation_event_decoder,
)
from videogen_contracts.script.outline import OutlineGenerated, outline_event_decoder

from tests.unit.services.script.world import NOW, World
from tests.unit.services.script.writers import CountingWriter, malformed, unavailable

pytestmark = pytest.mark.timeout(10)


async def run_events(world: World, job_id: UUID) -> list[GenerationEvent]:
    return [
        generation_event_decoder.decode(r.data)
        for r in await world.store.read_stream(f"generation-{job_id}")
    ]


def script_stream(project_id: UUID) -> str:
    return stream_id_for(studio_script_id(project_id))


async def test_an_auto_run_writes_outline_sections_and_replaces_the_script() -> None:
    world = World()
    pid = world.project(target_minutes=3.0)
    job = await world.start(pid)
    await world.work(job)
    events = await run_events(world, job)
    types = [type(e).__name__ for e in events]
    total = types.count("GenerationSectionCompleted")
    assert total >= 2
    assert types == [
        "GenerationQueued",
        "GenerationStarted",
        *["GenerationSectionStarted", "GenerationSectionCompleted"] * total,
        "GenerationCompleted",
    ]
    done = events[-1]
    assert isinstance(done, GenerationCompleted)
    assert await world.types(f"outline-{auto_outline_id(job)}") == [
        "OutlineGenerated",
        "OutlineApproved",
    ]
    assert await world.types(script_stream(pid)) == [
        "ScriptGenerationStarted",
        "ScriptReplaced",
        "ScriptGenerationEnded",
    ]
    replaced = event_decoder.decode((await world.store.read_stream(script_stream(pid)))[1].data)
    assert isinstance(replaced, ScriptReplaced)
    assert (replaced.source, replaced.job_id) == ("generation", job)
    assert len(replaced.sections) == total
    assert done.total_sentences == sum(len(s.sentences) for s in replaced.sections)
    assert done.total_duration_minutes == pytest.approx(3.0, rel=0.35)


async def test_a_run_from_an_outline_writes_that_outlines_sections() -> None:
    world = World()
    pid = world.project()
    oid = UUID(int=42)
    await world.send(GenerateOutline(command_id="o", now=NOW, project_id=pid, outline_id=oid))
    [recorded] = await world.store.read_stream(f"outline-{oid}")
    outline = outline_event_decoder.decode(recorded.data)
    assert isinstance(outline, OutlineGenerated)
    job = await world.start(pid, mode="from-outline", outline_id=oid)
    assert await world.types(f"outline-{oid}") == ["OutlineGenerated", "OutlineApproved"]
    await world.work(job)
    assert world.writer.calls["outline"] == 1  # the run did not write another outline
    events = await run_events(world, job)
    assert isinstance(events[-1], GenerationCompleted)
    titles = [e.title for e in events if isinstance(e, GenerationSectionStarted)]
    assert titles == [s.title for s in outline.sections]


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (unavailable("HTTP 429 Too Many Requests"), "llm_unavailable"),
        (malformed("expected an object"), "llm_output_invalid"),
    ],
    ids=["429-after-retries", "malformed-json"],
)
async def test_a_broken_model_fails_the_run_clearly_and_releases_the_project(
    failure: Exception, code: str
) -> None:
    world = World(writer=CountingWriter({"section_script": failure}, fail_from=2))
    pid = world.project()
    await world.send(QuickGenerate(command_id="q", now=NOW, project_id=pid))
    job = await world.start(pid)
    await world.work(job)
    failed = (await run_events(world, job))[-1]
    assert isinstance(failed, GenerationFailed)
    assert failed.code == code
    assert failed.section_index == 1
    assert failure.args[0] in failed.message
    assert "section 2" in failed.message
    # The earlier script is intact, and the project takes a new run at once.
    assert await world.types(script_stream(pid)) == [
        "ScriptReplaced",
        "ScriptGenerationStarted",
        "ScriptGenerationEnded",
    ]
    world.writer.failures.clear()
    again = await world.start(pid)
    await world.work(again)
    assert isinstance((await run_events(world, again))[-1], GenerationCompleted)


async def test_a_model_that_never_answers_fails_the_run_at_the_deadline() -> None:
    world = World(writer=CountingWriter(hang=["outline"]), deadline=0.2)
    pid = world.project()
    job = await world.start(pid)
    await world.work(job)
    failed = (await run_events(world, job))[-1]
    assert isinstance(failed, GenerationFailed)
    assert "did not finish the outline within 0.2 s" in failed.message


async def test_a_run_interrupted_by_a_crash_resumes_where_it_stopped() -> None:
    world = World(
        writer=CountingWriter({"section_script": RuntimeError("worker died")}, fail_from=2)
    )
    pid = world.project()
    job = await world.start(pid)
    with pytest.raises(RuntimeError):
        await world.work(job, attempt=1)  # not the last delivery: the queue retries it
    assert not isinstance((await run_events(world, job))[-1], GenerationFailed)
    world.writer.failures.clear()
    await world.work(job, attempt=2)
    events = await run_events(world, job)
    assert isinstance(events[-1], GenerationCompleted)
    sections = [type(e).__name__ for e in events].count("GenerationSectionCompleted")
    assert world.writer.calls["outline"] == 1
    assert world.writer.calls["section_script"] == sections + 1  # only the failed one again
    assert [type(e).__name__ for e in events].count("GenerationSectionStarted") == sections
    await world.work(job, attempt=3)  # a late redelivery of a finished run changes nothing
    assert len(await run_events(world, job)) == len(events)


async def test_an_unexpected_error_on_the_last_delivery_fails_the_run() -> None:
    world = World(writer=CountingWriter({"outline": RuntimeError("boom")}))
    pid = world.project()
    job = await world.start(pid)
    await world.work(job, attempt=3, max_attempts=3)
    failed = (await run_events(world, job))[-1]
    assert isinstance(failed, GenerationFailed)
    assert (failed.code, "corr" in failed.message) == ("internal", True)
    assert (await world.types(script_stream(pid)))[-1] == "ScriptGenerationEnded"


async def test_the_database_away_on_the_last_delivery_is_retried_not_a_failure() -> None:
    world = World(writer=CountingWriter({"outline": ConnectionRefusedError("pg restarting")}))
    pid = world.project()
    job = await world.start(pid)
    with pytest.raises(ConnectionRefusedError):
        await world.work(job, attempt=3, max_attempts=3)
    assert not isinstance((await run_events(world, job))[-1], GenerationFailed)
    world.writer.failures.clear()
    await world.work(job, attempt=4, max_attempts=3)
    assert isinstance((await run_events(world, job))[-1], GenerationCompleted)


async def test_one_run_at_a_time_per_project() -> None:
    world = World()
    pid, other = world.project(), world.project()
    job = await world.start(pid)
    with pytest.raises(Conflict):
        await world.start(pid)
    await world.start(other)  # another project is not held up
    await world.work(job)
    await world.start(pid)  # the first run ended: a new one may start


async def test_from_outline_without_an_outline_is_invalid() -> None:
    world = World()
    with pytest.raises(Invalid):
        await world.start(world.project(), mode="from-outline")

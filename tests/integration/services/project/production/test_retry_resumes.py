"""Retry resumes a failed Aura job from its first unfinished step, on real PostgreSQL and
NATS with the project, script, media and export services in-process.

The providers are counted: the script writer (the offline writer, wrapped) and the
narrator (a fake that writes real WAV files, and fails once on one sentence). The job
fails in narration; the retry finishes it; no provider is called again for work that was
done: one script, and each sentence spoken exactly once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from export_service.bootstrap import start_export_service
from media_service.adapters.audio_probe import PyAvProbe
from media_service.adapters.captions import AssCaptioner
from media_service.adapters.procedural_visuals import ProceduralVisuals
from media_service.bootstrap import start_media_service
from media_service.config import MediaConfig
from media_service.workers.ports import StageFailed
from media_service.workers.preparation import Toolkit
from project_service.bootstrap import ProjectService, start_project_service
from project_service.domain.production.decider import Production, fold
from script_service.bootstrap import start_script_service
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import NatsCommandSender
from videogen_contracts.media.events import VoiceSettings
from videogen_contracts.project.production import (
    ProductionBrief,
    ProductionEvent,
    RenderSettings,
    RetryProduction,
    StartProduction,
    event_decoder,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.subjects import Namespace
from videogen_media.blobs import LocalBlobStore
from videogen_media.fonts import find_caption_font
from videogen_providers.llm.base import (
    Brief,
    OutlineDraft,
    OutlineSection,
    SectionScript,
    Written,
)
from videogen_providers.llm.offline import OfflineWriter
from videogen_runtime.settings import Settings

from tests.integration.services.tones import write_tone

pytestmark = [pytest.mark.aura, pytest.mark.timeout(120)]


class CountingWriter(OfflineWriter):
    """The offline writer, counting its calls."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    async def quick_script(self, brief: Brief) -> Written[list[SectionScript]]:
        self.calls["quick_script"] += 1
        return await super().quick_script(brief)

    async def outline(self, brief: Brief) -> Written[OutlineDraft]:
        self.calls["outline"] += 1
        return await super().outline(brief)

    async def section_script(
        self, brief: Brief, outline_section: OutlineSection, previous_titles: Sequence[str]
    ) -> Written[SectionScript]:
        self.calls["section_script"] += 1
        return await super().section_script(brief, outline_section, previous_titles)


class FlakyNarrator:
    """Writes a real WAV (a tone, 0.3 s per word), one sentence at a time like a single TTS
    worker; the `fail_at`-th sentence it is asked for fails, as a broken TTS would."""

    name = "fake:counted"

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.asked = 0  # calls started (a sibling of a failed one may be cancelled)
        self.spoken: Counter[str] = Counter()
        self.failed: list[str] = []
        self._one_at_a_time = asyncio.Lock()

    def speaker(self, voice: VoiceSettings, language: str) -> str:
        return self.name

    async def narrate(self, text: str, voice: VoiceSettings, language: str, out: Path) -> None:
        async with self._one_at_a_time:
            self.asked += 1
            if self.asked == self.fail_at:
                self.failed.append(text)
                raise StageFailed(f"the voice broke on {text[:30]!r}")
            await asyncio.sleep(0.01)
            write_tone(out, 0.3 * len(text.split()) / voice.rate)
            self.spoken[text] += 1


async def history(project: ProjectService, job: UUID) -> list[ProductionEvent]:
    recorded = await project.plumbing.store.read_stream(stream_id_for(job))
    return [event_decoder.decode(r.data) for r in recorded]


async def state(project: ProjectService, job: UUID) -> Production:
    return fold(await history(project, job))


async def until_stage(project: ProjectService, job: UUID, *stages: str) -> Production:
    for _ in range(1500):
        current = await state(project, job)
        if current.stage in stages:
            return current
        await asyncio.sleep(0.05)
    raise AssertionError(f"never reached {stages}: {(await state(project, job)).stage}")


@pytest.fixture
async def world(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path
) -> AsyncIterator[dict[str, Any]]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                        data_dir=tmp_path)
    writer, narrator = CountingWriter(), FlakyNarrator(fail_at=3)
    blobs = LocalBlobStore(tmp_path / "blobs")
    tools = Toolkit(narrator=narrator, probe=PyAvProbe(), blobs=blobs,
                    captioner=AssCaptioner(find_caption_font()), visuals=ProceduralVisuals(),
                    clock=lambda: datetime.now(UTC))
    async with AsyncExitStack() as stack:
        project = await start_project_service(settings, stack)
        await start_script_service(settings, stack, writer=writer)
        await start_media_service(settings, stack, config=MediaConfig(concurrency=1),
                                  tools=tools)
        await start_export_service(settings, stack)
        nc = await connect(nats_url, "aura-retry-test")
        stack.push_async_callback(drain, nc)
        yield {"project": project, "writer": writer, "narrator": narrator,
               "sender": NatsCommandSender(nc, Namespace(world_id))}


async def send(sender: NatsCommandSender, name: str, command: Any) -> None:
    reply = await sender.send_command("project", name, command, correlation_id="aura-retry",
                                      timeout=10)
    assert isinstance(reply, CommandAccepted), reply


async def test_a_job_that_failed_in_narration_resumes_without_redoing_done_work(
    world: dict[str, Any],
) -> None:
    project, writer, narrator = world["project"], world["writer"], world["narrator"]
    job = uuid.uuid4()
    await send(world["sender"], "start_production", StartProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job,
        project_id=job, kind="brief",
        brief=ProductionBrief(topic="Volcanoes", audience="Kids", target_minutes=0.2),
        render=RenderSettings(width=160, height=90, fps=10, preset="ultrafast"),
    ))
    failed = await until_stage(project, job, "failed", "completed")
    assert failed.stage == "failed"
    assert failed.resume_stage == "narrating", "the script was done, the narration was not"
    assert writer.calls == Counter(quick_script=1)
    assert len(narrator.failed) == 1
    spoken_before = dict(narrator.spoken)
    assert len(spoken_before) == 2, "two sentences were narrated before the failure"

    await send(world["sender"], "retry_production", RetryProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job,
    ))
    done = await until_stage(project, job, "completed", "failed")
    assert done.stage == "completed", await history(project, job)
    assert done.attempt == 2

    # The script was not written again, and no sentence was spoken twice.
    assert writer.calls == Counter(quick_script=1)
    sentences = done.sentences
    assert sentences >= 2
    # Each sentence was synthesized once in all: the two done before the failure were
    # reused, the failed one and the rest were spoken by the retry.
    assert sorted(narrator.spoken.values()) == [1] * sentences
    assert all(narrator.spoken[text] == 1 for text in spoken_before)
    assert narrator.failed[0] in narrator.spoken, "the failed sentence was spoken on retry"

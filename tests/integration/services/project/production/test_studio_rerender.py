"""Studio edits through the REAL script service (offline writer, its own commands and its
`get_project_script` query), then a re-render: only the edited text is spoken again, and
the render follows the script's current order and contents. Project and media services
are real too; the export and the TTS are stale_world's fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from nats.aio.client import Client
from videogen_runtime.settings import Settings

from tests.integration.services.project.production.test_production_flow import (
    nc,  # noqa: F401 (a fixture)
    stage_of,
)

from .stale_world import (
    World,
    prepared_ids,
    project_script,
    scripted_project,
    sentence_ids,
    start_world,
)

pytestmark = [pytest.mark.stale, pytest.mark.timeout(90)]


@pytest.fixture
async def studio(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path, nc: Client  # noqa: F811
) -> AsyncIterator[World]:
    """The stale world with the REAL script service instead of the fake."""
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=world_id, data_dir=tmp_path
    )
    async with AsyncExitStack() as stack:
        yield await start_world(stack, settings, nc, None)


async def test_studio_edits_through_the_real_script_service_rerender_only_what_changed(
    studio: World,
) -> None:
    project_id = await scripted_project(studio, "How bees make honey")
    before = await project_script(studio, project_id)
    first = await studio.render(project_id)
    assert await prepared_ids(studio, first) == sentence_ids(before)
    spoken_before = len(studio.narrator.spoken)

    # Three edits: one sentence's text, the order of a section, a deleted sentence.
    intro, *rest = before.sections
    changed, *others = intro.sentences
    await studio.command("update_sentence", {
        "project_id": str(project_id), "sentence_id": str(changed.sentence_id),
        "text": "Bees fan their wings to dry the nectar into honey.",
    }, service="script")
    await studio.command("reorder_sentences", {
        "project_id": str(project_id), "section_id": str(intro.section_id),
        "sentence_ids": [str(s.sentence_id) for s in reversed(intro.sentences)],
    }, service="script")
    gone = rest[-1].sentences[-1] if rest else others[-1]
    await studio.command("delete_sentence", {
        "project_id": str(project_id), "sentence_id": str(gone.sentence_id),
    }, service="script")

    after = await project_script(studio, project_id)
    second = await studio.render(project_id)
    assert await stage_of(studio.project, second) == "completed"
    assert studio.narrator.spoken[spoken_before:] == [
        "Bees fan their wings to dry the nectar into honey."
    ], "one TTS call"
    assert await prepared_ids(studio, second) == sentence_ids(after), "the current order"
    assert gone.sentence_id not in sentence_ids(after)
    reused = {e.sentence_id: e.reused for e in await studio.narrated(second)}
    assert [i for i, r in reused.items() if not r] == [changed.sentence_id]

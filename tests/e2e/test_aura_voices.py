"""voiceSpec.voiceName end to end: the whole stack as processes, real Piper and real
espeak-ng. A job that names a voice is narrated by that voice (as the media service
recorded it); one that names none, by the default voice of its language. Since issue 15 the
language is each sentence's own: the offline writer writes English even for a German brief,
and English text is never read by the German voice (German text is: test_voice_choice)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from videogen_local.stack import Stack
from videogen_providers.tts.espeak import espeak_path

from .aura_client import BRIEF, create_job, job_body, wait_for

pytestmark = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


async def speakers(stack: Stack, pg_url: str, job_id: str) -> set[str]:
    """Who spoke each sentence of the job, from the media service's SentenceNarrated."""
    schema = f"{stack.env['VIDEOGEN_NAMESPACE']}_media"
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch(
            f'SELECT data->>\'synthesizer\' AS who FROM "{schema}".events'
            " WHERE type = 'SentenceNarrated' AND data->>'production_id' = $1", job_id
        )
    finally:
        await conn.close()
    return {r["who"] for r in rows}


async def test_the_named_voice_narrates_else_the_languages(
    api: httpx.AsyncClient, stack: Stack, pg_url: str
) -> None:
    named = await create_job(api, job_body(voiceSpec={"voiceName": "espeak:en-us"}))
    default = await create_job(api)
    german = await create_job(api, job_body(brief={**BRIEF, "language": "de"}))
    for job_id in (named, default, german):
        job = await wait_for(api, job_id, {"Succeeded", "Failed"})
        assert job["status"] == "Succeeded", job
    assert await speakers(stack, pg_url, named) == {"espeak:en-us"}
    assert await speakers(stack, pg_url, default) == {"piper:en_US-joe-medium"}
    # The offline writer's sentences are English whatever the brief's language: read in
    # English, not mumbled by espeak-ng's German.
    assert await speakers(stack, pg_url, german) == {"piper:en_US-joe-medium"}

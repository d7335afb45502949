"""The voices over Aura's HTTP API (the gateway's routes, in process, with the real
catalogue): the listing is what is installed, and a job naming a voice that is not
installed is a 400 problem at voiceSpec.voiceName that names the installed voices."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from videogen_gateway.app import GatewayApp
from videogen_gateway.surfaces.aura.job_routes import aura_router
from videogen_gateway.surfaces.aura.system_routes import aura_system_router
from videogen_providers.tts.espeak import espeak_path
from videogen_providers.tts.voices import installed_catalogue, piper_voices

BRIEF = {"topic": "Voices", "language": "en"}


@pytest.fixture
async def api() -> AsyncIterator[AsyncTestClient[GatewayApp]]:
    # No runtime in the app's state: a request that reached the services would fail, so a
    # 400 here proves the refusal comes before anything is sent.
    app = GatewayApp(route_handlers=[aura_router(), aura_system_router()], logging_config=None)
    async with AsyncTestClient(app) as client:
        yield client


async def test_the_listing_is_the_installed_voices(api: AsyncTestClient[GatewayApp]) -> None:
    response = await api.get("/api/providers/tts/voices")
    assert response.status_code == 200, response.text
    listed = response.json()
    assert listed[0] == {
        "name": "joe-us", "language": "en-US", "gender": "male", "engine": "piper",
        "id": "en_US-joe-medium",
    }
    piper = [v for v in listed if v["engine"] == "piper"]
    assert [v["name"] for v in piper] == [v.voice.name for v in piper_voices()]
    assert [v["name"] for v in listed] == [v.name for v in installed_catalogue().voices]


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed")
async def test_espeak_voices_are_listed_for_other_languages(
    api: AsyncTestClient[GatewayApp],
) -> None:
    listed = {v["name"]: v for v in (await api.get("/api/providers/tts/voices")).json()}
    assert {"espeak:en-us", "espeak:de", "espeak:ja"} <= set(listed)
    assert listed["espeak:de"] == {
        "name": "espeak:de", "language": "de", "gender": "male", "engine": "espeak-ng",
        "id": "de",
    }


async def test_an_unknown_voice_is_a_400_naming_the_installed_voices(
    api: AsyncTestClient[GatewayApp],
) -> None:
    body = {"brief": BRIEF, "voiceSpec": {"voiceName": "Sir Nobody", "rate": 1.0}}
    response = await api.post("/api/jobs", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"type", "title", "status", "detail", "correlationId"} <= set(problem)
    assert problem["type"].endswith("docs/errors.md#E400")
    assert (problem["status"], problem["title"]) == (400, "Validation Error")
    assert problem["field"] == "voiceSpec.voiceName"
    assert "unknown voice 'Sir Nobody'" in problem["detail"]
    for voice in installed_catalogue().voices:
        assert voice.name in problem["detail"]
    assert "/api/providers/tts/voices" in problem["guidance"]

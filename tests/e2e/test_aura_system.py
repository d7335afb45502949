"""Aura's system endpoints over real HTTP against the whole stack: FFmpeg status, provider
capabilities and validation (fake OpenAI and Pexels, real Piper), settings with write-only
keys, and the health probes."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack, stack_env

from ..integration.aura_system.fakes import FakeVendor, serve

OPENAI_KEY = "sk-e2e-openai-SECRET-4f1c"
PEXELS_KEY = "pexels-e2e-SECRET-9b2d"


@pytest.fixture(scope="module")
def pexels() -> Iterator[FakeVendor]:
    with serve("pexels", PEXELS_KEY) as fake:
        yield fake


@pytest.fixture(scope="module")
def openai() -> Iterator[FakeVendor]:
    with serve("openai", OPENAI_KEY) as fake:
        yield fake


@pytest.fixture(scope="module")
def aura(_module_stacks: Callable[..., Stack], pexels: FakeVendor, openai: FakeVendor) -> Stack:
    # No key in the environment: the keys reach the providers only through the settings.
    # The fake OpenAI's URL is saved in the settings, so the operator allows it (SSRF).
    return _module_stacks(PEXELS_BASE_URL=pexels.url, OPENAI_API_KEY="", PEXELS_API_KEY="",
                          VIDEOGEN_PROVIDER_URL_PREFIXES=f"{openai.url},{pexels.url}")


def client(stack: Stack) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=stack.base_url, timeout=90)


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"docs/errors.md#E{status}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["correlationId"] == response.headers["x-correlation-id"]
    if field is not None:
        assert body["field"] == field
        assert body["guidance"]
    return body


async def test_ffmpeg_status_is_read_from_the_binary(aura: Stack) -> None:
    async with client(aura) as http:
        for path in ("/api/system/ffmpeg/status", "/api/ffmpeg/status"):
            response = await http.get(path)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["installed"] is True
            assert body["valid"] is True
            assert body["versionMeetsRequirement"] is True
            assert body["minimumVersion"] == "4.0"
            assert body["source"] == "Managed"
            assert body["path"].endswith(("ffmpeg", ".exe")) or "ffmpeg-" in body["path"]
            assert body["error"] is None
            hw = body["hardwareAcceleration"]
            assert set(hw) == {"nvencSupported", "amfSupported", "quickSyncSupported",
                               "videoToolboxSupported", "availableEncoders"}
            assert "libx264" in hw["availableEncoders"]
            assert body["correlationId"] == response.headers["x-correlation-id"]


async def test_capabilities_list_every_kind(aura: Stack) -> None:
    async with client(aura) as http:
        response = await http.get("/api/providers/capabilities")
    assert response.status_code == 200, response.text
    listed = {c["name"]: c for c in response.json()}
    assert {c["category"] for c in listed.values()} >= {"llm", "tts", "stock", "video-gen",
                                                          "scorer"}
    for capability in listed.values():
        assert set(capability["requirements"]) == {"needsKey", "needsGPU", "minVRAMMB", "os"}
        assert isinstance(capability["reasonCodes"], list)
    assert listed["piper"]["available"] is True
    assert listed["offline"]["available"] is True


async def test_the_tts_voices_are_listed(aura: Stack) -> None:
    async with client(aura) as http:
        response = await http.get("/api/providers/tts/voices")
    assert response.status_code == 200, response.text
    voices = response.json()
    assert voices[0]["name"] == "joe-us"
    for voice in voices:
        assert set(voice) == {"name", "language", "gender", "engine", "id"}
        assert voice["engine"] in ("piper", "espeak-ng")


async def test_validating_an_unknown_provider_is_a_404_problem(aura: Stack) -> None:
    async with client(aura) as http:
        assert_problem(await http.post("/api/providers/StableDiffusion/validate"), 404)


async def test_piper_validates_for_real(aura: Stack) -> None:
    async with client(aura) as http:
        response = await http.post("/api/providers/Piper/validate")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "piper"
    assert body["ok"] is True, body
    assert body["latencyMs"] > 0
    assert "synthesized" in body["message"]


async def test_keys_from_the_settings_reach_the_providers_and_never_come_back(
    aura: Stack, openai: FakeVendor, pexels: FakeVendor, pg_url: str
) -> None:
    async with client(aura) as http:
        before = await http.post("/api/providers/pexels/validate")
        assert before.json()["ok"] is False
        put = await http.put("/api/settings", json={
            "openAiBaseUrl": openai.url, "openAiApiKey": OPENAI_KEY, "pexelsApiKey": PEXELS_KEY,
            "providers": {"llm": "openai", "stock": "pexels"},
        })
        assert put.status_code == 200, put.text
        got = await http.get("/api/settings")
        openai_check = await http.post("/api/providers/openai/validate")
        pexels_check = await http.post("/api/providers/pexels/validate")
        listed = {c["name"]: c for c in (await http.get("/api/providers/capabilities")).json()}
    for response in (put, got):
        body = response.json()
        assert body["openAiApiKeySet"] is True
        assert body["pexelsApiKeySet"] is True
        assert body["providers"]["llm"] == "openai"
        assert OPENAI_KEY not in response.text
        assert PEXELS_KEY not in response.text
    assert openai_check.json()["ok"] is True, openai_check.text
    assert openai.authorizations[-1] == f"Bearer {OPENAI_KEY}"
    assert pexels_check.json()["ok"] is True, pexels_check.text
    assert pexels.authorizations[-1] == PEXELS_KEY
    assert listed["pexels"]["available"] is True
    assert listed["openai"]["available"] is True
    await _nowhere_in_plaintext(aura, pg_url, OPENAI_KEY, PEXELS_KEY)


async def _nowhere_in_plaintext(stack: Stack, pg_url: str, *secrets: str) -> None:
    assert stack.log_dir is not None
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert logs  # the services did log
    schema = f"{stack.env['VIDEOGEN_NAMESPACE']}_project"
    conn = await asyncpg.connect(pg_url)
    try:
        stored = await conn.fetch(
            f'SELECT type, data::text AS data FROM "{schema}".events'
            " WHERE stream_id = 'settings-default'"
        )
    finally:
        await conn.close()
    assert {r["type"] for r in stored} >= {"SettingsUpdated", "ProviderKeySet"}
    for secret in secrets:
        assert secret not in logs
        assert all(secret not in r["data"] for r in stored)


async def test_settings_round_trip_and_clear(aura: Stack, tmp_path: Path) -> None:
    out = tmp_path / "renders"
    async with client(aura) as http:
        put = await http.put("/api/settings", json={
            "defaultVoice": {"voiceName": "joe-us", "rate": 1.25, "pitch": 0.9, "pauseMs": 250},
            "renderDefaults": {"res": "720p", "fps": 25, "codec": "VP9", "container": "webm"},
            "outputDirectory": str(out),
        })
        assert put.status_code == 200, put.text
        body = (await http.get("/api/settings")).json()
        assert body["defaultVoice"] == {"voiceName": "joe-us", "rate": 1.25, "pitch": 0.9,
                                        "pauseMs": 250}
        assert body["renderDefaults"]["res"] == "720p"
        assert body["renderDefaults"]["container"] == "webm"
        assert body["outputDirectory"] == str(out)
        assert out.is_dir()
        assert body["lastUpdated"]
        version = body["version"]
        cleared = await http.put(
            "/api/settings", json={"pexelsApiKey": "", "outputDirectory": None}
        )
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["pexelsApiKeySet"] is False
        assert cleared.json()["outputDirectory"] is None
        assert cleared.json()["version"] > version
        unchanged = await http.put("/api/settings", json={})
        assert unchanged.json()["version"] == cleared.json()["version"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"defaultVoice": {"rate": 3}}, "defaultVoice.rate"),
        ({"defaultVoice": {"pitch": 0.1}}, "defaultVoice.pitch"),
        ({"defaultVoice": {"voiceName": "nobody-xx"}}, "defaultVoice.voiceName"),
        ({"renderDefaults": {"fps": 29}}, "renderDefaults.fps"),
        ({"renderDefaults": {"res": "999p"}}, "renderDefaults.res"),
        ({"renderDefaults": {"codec": "H264", "container": "webm"}}, "renderDefaults.codec"),
        ({"renderDefaults": {"videoBitrateK": "fast"}}, "renderDefaults.videoBitrateK"),
        ({"providers": {"llm": "gpt-17"}}, "providers.llm"),
        ({"outputDirectory": "relative/dir"}, "outputDirectory"),
        ({"outputDirectory": "/proc/no-such-dir/out"}, "outputDirectory"),
        ({"openAiBaseUrl": "localhost:11434"}, "openAiBaseUrl"),
        ({"openAiApiKey": "sk-" + "x" * 600}, "openAiApiKey"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_bad_settings_are_400_problems_naming_the_field(
    aura: Stack, body: dict[str, Any], field: str
) -> None:
    async with client(aura) as http:
        response = await http.put("/api/settings", json=body)
    problem = assert_problem(response, 400, field)
    assert "x" * 100 not in response.text  # a refused key is never echoed
    assert problem["error"] == problem["detail"]


async def test_malformed_json_is_a_400_problem(aura: Stack) -> None:
    async with client(aura) as http:
        response = await http.put(
            "/api/settings", content=b"{nope", headers={"content-type": "application/json"}
        )
    assert_problem(response, 400)


async def test_health_in_the_original_shape(aura: Stack) -> None:
    async with client(aura) as http:
        for path in ("/health/live", "/api/health/live"):
            live = await http.get(path)
            assert live.status_code == 200
            assert live.json()["status"] == "healthy"
        for path in ("/health/ready", "/api/health/ready"):
            ready = await http.get(path)
            assert ready.status_code == 200, ready.text
            report = ready.json()
            assert report["status"] in {"healthy", "degraded"}
            assert report["timestamp"]
            checks = {c["name"]: c for c in report["checks"]}
            assert {"ffmpeg", "disk", "postgres", "nats", "project", "script", "media",
                    "export"} <= set(checks)
            assert checks["ffmpeg"]["status"] == "healthy"
            assert checks["disk"]["data"]["threshold_gb"] == 1.0
            assert checks["disk"]["data"]["critical_gb"] == 0.5
            for check in checks.values():
                assert set(check) == {"name", "status", "description", "data"}


async def test_too_little_disk_space_is_unhealthy(
    pg_url: str, nats_url: str, tmp_path: Path
) -> None:
    # Thresholds above any real disk: the same check as under 0.5 GB free. The stack never
    # turns ready, so it is started here rather than by `make_stack` (which waits for it).
    env = stack_env(pg_url, nats_url, free_port(), "d" + uuid.uuid4().hex[:10],
                    VIDEOGEN_DATA_DIR=str(tmp_path / "data"),
                    VIDEOGEN_DISK_UNHEALTHY_GB="1000000", VIDEOGEN_DISK_DEGRADED_GB="2000000")
    stack = Stack(env, log_dir=tmp_path)
    stack.start_all()
    try:
        stack.wait_ready(path="/health/live")
        async with client(stack) as http:
            report = await _until_services_answer(http)
            live = await http.get("/health/live")
    finally:
        stack.stop()
    assert report["status"] == "unhealthy"
    failing = {c["name"]: c for c in report["checks"] if c["status"] == "unhealthy"}
    assert set(failing) == {"disk"}
    assert "Critically low" in failing["disk"]["description"]
    assert live.status_code == 200


async def _until_services_answer(http: httpx.AsyncClient, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        ready = await http.get("/health/ready")
        assert ready.status_code == 503, ready.text
        report: dict[str, Any] = ready.json()
        down = [c["name"] for c in report["checks"] if c["status"] == "unhealthy"]
        if down == ["disk"] or time.monotonic() > deadline:
            return report
        await asyncio.sleep(0.3)

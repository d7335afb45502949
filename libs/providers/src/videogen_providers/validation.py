"""`validate(name, config)`: a real check that a provider works, as Aura's validate reports.

OpenAI-compatible providers list the models at the configured base URL (the key is sent
as a bearer token); Pexels runs one search; Piper loads the voice and synthesizes a word
in a child process; espeak-ng speaks a word; the offline writer writes a short script.
Each check is bounded by a timeout and reports `{name, ok, latencyMs, message}`; a failure
is a result, not an error. Messages never contain a key.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import msgspec

from videogen_providers.catalog import provider_names
from videogen_providers.config import ProviderConfig
from videogen_providers.llm.base import Brief
from videogen_providers.llm.offline import OfflineWriter
from videogen_providers.stock.pexels import PexelsClient
from videogen_providers.tts.espeak import EspeakFailed, EspeakSynthesizer
from videogen_providers.tts.synthesizer import VoiceOptions
from videogen_providers.vision.settings import vision_settings

HTTP_TIMEOUT = 10.0
PIPER_TIMEOUT = 60.0


class Validation(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    name: str
    ok: bool
    latency_ms: float
    message: str


class UnknownProvider(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no provider named {name!r}")
        self.name = name


Check = Callable[[ProviderConfig], Awaitable[tuple[bool, str]]]


async def check_openai(config: ProviderConfig) -> tuple[bool, str]:
    url = config.openai_url
    if not (config.openai_api_key or config.openai_base_url):
        return False, "no OpenAI API key: set OPENAI_API_KEY or openAiApiKey in the settings"
    headers = {"Authorization": f"Bearer {config.openai_api_key}"} if config.openai_api_key else {}
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        try:
            response = await client.get(f"{url}/models", headers=headers)
        except httpx.HTTPError as error:
            return False, f"cannot reach {url}: {type(error).__name__}"
    if response.status_code in (401, 403):
        return False, f"{url} refused the API key ({response.status_code})"
    if response.status_code != 200:
        return False, f"{url}/models answered {response.status_code}"
    try:
        models = [str(m["id"]) for m in response.json()["data"]]
    except (ValueError, KeyError, TypeError):
        return False, f"{url}/models did not answer with a model list"
    listed = "is" if config.openai_model in models else "is not"
    return True, f"{len(models)} models at {url}; {config.openai_model} {listed} among them"


async def check_video_model(config: ProviderConfig) -> tuple[bool, str]:
    """The hosted video model's server lists its models, as an OpenAI-compatible one does."""
    if not config.video_model:
        return False, "no hosted video model: set VIDEOGEN_VIDEO_MODEL"
    at_video = msgspec.structs.replace(
        config, openai_base_url=config.video_url, openai_api_key=config.video_key,
        openai_model=config.video_model,
    )
    return await check_openai(at_video)


async def check_pexels(config: ProviderConfig) -> tuple[bool, str]:
    if not config.pexels_api_key:
        return False, "no Pexels API key: set PEXELS_API_KEY or pexelsApiKey in the settings"
    client = PexelsClient(
        config.pexels_api_key, base_url=config.pexels_base_url, timeout=HTTP_TIMEOUT
    )
    try:
        videos = await client.search_videos("nature", per_page=1)
    except httpx.HTTPStatusError as error:
        code = error.response.status_code
        if code in (401, 403):
            return False, f"Pexels refused the API key ({code})"
        return False, f"Pexels search answered {code}"
    except httpx.HTTPError as error:
        return False, f"cannot reach Pexels at {config.pexels_base_url}: {type(error).__name__}"
    except ValueError:
        return False, "Pexels did not answer with a list of videos"
    finally:
        await client.aclose()
    return True, f"Pexels search answered ({len(videos)} result(s) for 'nature')"


async def check_piper(config: ProviderConfig) -> tuple[bool, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "videogen_providers.tts.piper_check",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), PIPER_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return False, f"Piper did not synthesize a word within {PIPER_TIMEOUT:g}s"
    if proc.returncode != 0:
        reason = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return False, f"Piper failed: {reason[0][:300]}"
    result = json.loads(out)
    seconds = result["samples"] / result["sample_rate"]
    return True, f"voice loaded; 'Hello.' synthesized ({seconds:.2f}s of audio)"


async def check_offline(config: ProviderConfig) -> tuple[bool, str]:
    writer = OfflineWriter()
    try:
        written = await writer.quick_script(Brief(topic="A provider check", target_minutes=0.5))
    finally:
        await writer.aclose()
    sentences = sum(len(s.sentences) for s in written.value)
    return sentences > 0, f"offline writer wrote {sentences} sentences"


async def check_espeak(config: ProviderConfig) -> tuple[bool, str]:
    binary = shutil.which("espeak-ng") or shutil.which("espeak")
    if binary is None:
        return False, "espeak-ng is not installed (apt-get install espeak-ng)"
    with tempfile.TemporaryDirectory(prefix="vg-espeak-check-") as tmp:
        try:
            async with asyncio.timeout(HTTP_TIMEOUT):
                seconds = await EspeakSynthesizer(binary).synthesize(
                    "Hello.", Path(tmp) / "word.wav", VoiceOptions()
                )
        except EspeakFailed as error:
            return False, f"espeak-ng failed: {str(error)[:300]}"
        except TimeoutError:
            return False, f"espeak-ng did not speak a word within {HTTP_TIMEOUT:g}s"
    return True, f"'Hello.' synthesized ({seconds:.2f}s of audio)"


async def always_there(config: ProviderConfig) -> tuple[bool, str]:
    return True, "built in; needs nothing external"


async def check_vision(config: ProviderConfig) -> tuple[bool, str]:
    """The vision scorer's server lists its models (VIDEOGEN_VISION_* from the environment)."""
    chosen = vision_settings()
    if chosen is None:
        return False, "no vision model: set VIDEOGEN_VISION_MODEL (variants are measured offline)"
    return await check_openai(ProviderConfig(
        openai_base_url=chosen.base_url, openai_api_key=chosen.api_key, openai_model=chosen.model,
    ))


async def not_built(config: ProviderConfig) -> tuple[bool, str]:
    return False, "this provider is not implemented yet"


CHECKS: dict[str, Check] = {
    "openai": check_openai, "offline": check_offline, "piper": check_piper, "espeak": check_espeak,
    "pexels": check_pexels, "procedural": always_there,
    # These share the OpenAI account, so its check tells whether they could be used.
    "openai-tts": check_openai, "openai-vision": check_vision, "openai-video": check_video_model,
    "ffmpeg-effects": not_built, "objective-metrics": always_there,
}


def canonical_name(name: str) -> str:
    """The catalog's name for `name` (case-insensitive); UnknownProvider if none."""
    wanted = name.strip().lower()
    for known in provider_names():
        if known.lower() == wanted:
            return known
    raise UnknownProvider(name)


async def validate(name: str, config: ProviderConfig) -> Validation:
    canonical = canonical_name(name)
    check = CHECKS.get(canonical, not_built)
    started = time.perf_counter()
    ok, message = await check(config)
    latency = round((time.perf_counter() - started) * 1000, 1)
    return Validation(name=canonical, ok=ok, latency_ms=latency, message=message)

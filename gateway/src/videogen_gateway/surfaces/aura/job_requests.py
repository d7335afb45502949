"""Doc 001's job requests, read and checked: the brief form and the preset form.

Pure functions, no I/O. `job_request(body)` turns a POST /api/jobs body into what the
production needs (a brief, voice and render settings), or raises a 400 problem naming the
field the client sent (`renderSpec.fps`) with guidance on what to send instead. Every
field is honoured: `aura_settings.py` maps the plan, voice and render specs to the
production's settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec
from videogen_contracts.project.production import ProductionBrief, RenderSettings, VoiceSettings
from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_gateway.surfaces.aura.job_settings import (
    ASPECTS,
    CODECS,
    CONTAINERS,
    FPS,
    PAUSES,
    RESOLUTIONS,
    render_settings,
    voice_settings,
)

TOPIC_MAX = 500
SHORT_MAX = 200
LANGUAGE_MAX = 35
MAX_DURATION_S = 3 * 3600
PACINGS = ("Chill", "Conversational", "Fast")
DENSITIES = ("Sparse", "Balanced", "Dense")
QUALITIES = ("fast", "balanced", "high")
PRESETS = ("default", "sample-hello-youtube")
_DURATION = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)$")

SAMPLE_BRIEF: dict[str, Any] = {
    "topic": "Hello YouTube", "audience": "New viewers", "goal": "Say hello",
    "tone": "Friendly", "language": "en", "aspect": "Widescreen16x9",
}
SAMPLE_PLAN: dict[str, Any] = {"targetDuration": "00:00:20", "pacing": "Conversational"}


@dataclass(frozen=True, slots=True)
class JobRequest:
    brief: ProductionBrief
    language: str
    voice: VoiceSettings
    render: RenderSettings


def bad(field: str, detail: str, guidance: str) -> SystemProblem:
    return SystemProblem(400, detail, field, guidance=guidance)


def job_request(body: bytes) -> JobRequest:
    try:
        payload: Any = msgspec.json.decode(body) if body.strip() else None
    except msgspec.DecodeError as error:
        raise bad("body", f"the body is not valid JSON: {error}",
                  "Send a JSON object with a brief, or a preset.") from None
    if not isinstance(payload, dict):
        raise bad("brief", "a brief is required", "Send {\"brief\": {\"topic\": \"...\"}}.")
    if "preset" in payload:
        payload = _from_preset(payload)
    return _from_brief(payload)


def _from_preset(payload: dict[str, Any]) -> dict[str, Any]:
    preset = payload.get("preset")
    if preset not in PRESETS:
        raise bad("preset", f"unknown preset {preset!r}", f"Use one of {', '.join(PRESETS)}.")
    inputs = _object(payload, "inputs")
    options = _object(payload, "options")
    quality = options.get("quality", "balanced")
    if quality not in QUALITIES:
        raise bad("options.quality", f"unknown quality {quality!r}",
                  f"Use one of {', '.join(QUALITIES)}.")
    _bool(options, "options", "allowSkipUnavailable")
    if preset == "sample-hello-youtube":
        brief, plan = {**SAMPLE_BRIEF, **inputs}, dict(SAMPLE_PLAN)
    else:
        brief = dict(inputs)
        plan = {k: brief.pop(k) for k in ("targetDuration", "pacing", "density", "style")
                if k in brief}
        if "topic" not in brief:
            raise bad("inputs.topic", "the default preset needs inputs.topic",
                      "Send {\"preset\": \"default\", \"inputs\": {\"topic\": \"...\"}}.")
    return {"brief": brief, "planSpec": plan, "renderSpec": {"quality": quality}}


def _from_brief(payload: dict[str, Any]) -> JobRequest:
    if payload.get("brief") is None:
        raise bad("brief", "a brief is required", "Send {\"brief\": {\"topic\": \"...\"}}.")
    brief = _object(payload, "brief")
    plan = _object(payload, "planSpec")
    voice = _object(payload, "voiceSpec")
    render = _object(payload, "renderSpec")
    topic = _text(brief, "brief", "topic", TOPIC_MAX, required=True)
    aspect = _choice(brief, "brief", "aspect", tuple(ASPECTS), "Widescreen16x9")
    return JobRequest(
        brief=ProductionBrief(
            topic=topic or "",
            audience=_text(brief, "brief", "audience", SHORT_MAX),
            goal=_text(brief, "brief", "goal", SHORT_MAX),
            tone=_text(brief, "brief", "tone", SHORT_MAX),
            style=_text(plan, "planSpec", "style", SHORT_MAX),
            target_minutes=_duration(plan),
            pacing=_choice(plan, "planSpec", "pacing", PACINGS, None),
            density=_choice(plan, "planSpec", "density", DENSITIES, None),
        ),
        language=_text(brief, "brief", "language", LANGUAGE_MAX) or "en",
        voice=_voice(voice, plan),
        render=_render(render, aspect),
    )


def _voice(spec: dict[str, Any], plan: dict[str, Any]) -> VoiceSettings:
    rate = _number(spec, "voiceSpec", "rate", 0.5, 2.0, 1.0,
                   "Use a rate from 0.5 (half speed) to 2.0 (double); 1.0 is normal.")
    pitch = _number(spec, "voiceSpec", "pitch", 0.5, 2.0, 1.0,
                    "Use a pitch from 0.5 to 2.0; 1.0 is the voice's own.")
    pause = spec.get("pause", "Natural")
    if not (pause in PAUSES or (_is_number(pause) and 0 <= pause <= 5000)):
        raise bad("voiceSpec.pause", f"unknown pause {pause!r}",
                  f"Use one of {', '.join(PAUSES)}, or milliseconds from 0 to 5000.")
    name = _text(spec, "voiceSpec", "voiceName", 100)
    return voice_settings(rate, pitch, pause, name, plan.get("pacing"))


def _render(spec: dict[str, Any], aspect: str) -> RenderSettings:
    res = spec.get("res", "720p")
    if isinstance(res, dict):
        res = f"{res.get('height')}p"
    if res not in RESOLUTIONS:
        raise bad("renderSpec.res", f"unknown resolution {res!r}",
                  f"Use one of {', '.join(RESOLUTIONS)}.")
    container = _choice(spec, "renderSpec", "container", CONTAINERS, "mp4")
    codec = _choice(spec, "renderSpec", "codec", CODECS, "H264")
    if container == "webm" and codec != "VP9":
        raise bad("renderSpec.codec", f"a webm container cannot hold {codec}",
                  "Use VP9 with webm, or the mp4 container.")
    fps = spec.get("fps", 30)
    if fps not in FPS or isinstance(fps, bool):
        raise bad("renderSpec.fps", f"unsupported frame rate {fps!r}",
                  f"Use one of {', '.join(map(str, FPS))} frames per second.")
    video_k = _optional_int(spec, "videoBitrateK", 100, 100_000, "Use 100 to 100000 kbit/s.")
    audio_k = _optional_int(spec, "audioBitrateK", 32, 512, "Use 32 to 512 kbit/s.")
    quality = _optional_int(spec, "qualityLevel", 0, 100, "Use a quality level from 0 to 100.")
    scene_cut = _bool(spec, "renderSpec", "enableSceneCut")
    return render_settings(
        res=res, aspect=aspect, fps=int(fps), codec=codec, container=container,
        video_k=video_k, audio_k=audio_k, quality=quality, speed=spec.get("quality"),
        scene_cut=scene_cut,
    )


def _duration(plan: dict[str, Any]) -> float | None:
    raw = plan.get("targetDuration")
    if raw is None:
        return None
    match = _DURATION.match(raw) if isinstance(raw, str) else None
    seconds = (int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])) if match else -1
    if not 0 < seconds <= MAX_DURATION_S:
        raise bad("planSpec.targetDuration", f"targetDuration {raw!r} is not hh:mm:ss",
                  "Use hh:mm:ss between 00:00:01 and 03:00:00, e.g. 00:01:30.")
    return seconds / 60


def _object(payload: dict[str, Any], name: str) -> dict[str, Any]:
    value = payload.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad(name, f"{name} must be an object", f"Send {name} as a JSON object.")
    return value


def _text(
    obj: dict[str, Any], where: str, name: str, limit: int, *, required: bool = False
) -> str | None:
    value = obj.get(name)
    field = f"{where}.{name}"
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad(field, f"{field} is required" if required else f"{field} must be text",
                  f"Send {field} as non-empty text.")
    if len(value) > limit:
        raise bad(field, f"{field} is too long: {len(value)} characters (at most {limit})",
                  f"Shorten {field} to at most {limit} characters.")
    return value.strip()


def _choice(
    obj: dict[str, Any], where: str, name: str, allowed: tuple[str, ...], default: str | None
) -> Any:
    value = obj.get(name, default)
    if value is not None and value not in allowed:
        raise bad(f"{where}.{name}", f"unknown {name} {value!r}",
                  f"Use one of {', '.join(allowed)}.")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(
    obj: dict[str, Any], where: str, name: str, low: float, high: float, default: float,
    guidance: str,
) -> float:
    value = obj.get(name, default)
    if not _is_number(value) or not low <= value <= high:
        raise bad(f"{where}.{name}", f"{where}.{name} {value!r} is out of range", guidance)
    return float(value)


def _optional_int(
    obj: dict[str, Any], name: str, low: int, high: int, guidance: str
) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if not _is_number(value) or value != int(value) or not low <= value <= high:
        raise bad(f"renderSpec.{name}", f"renderSpec.{name} {value!r} is out of range", guidance)
    return int(value)


def _bool(obj: dict[str, Any], where: str, name: str) -> bool | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad(f"{where}.{name}", f"{where}.{name} must be true or false",
                  "Send true or false.")
    return value

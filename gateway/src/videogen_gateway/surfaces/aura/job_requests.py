"""Doc 001's job requests as Structs: the brief form and the preset form.

Pure, no I/O. `job_request(body)` decodes a POST /api/jobs body strictly into these shapes
and turns it into what the production needs (a brief, voice and render settings). A body
of the wrong shape is a 400 naming the field as the client sent it (`renderSpec.fps`),
with guidance. The limits are the contracts' (`videogen_contracts.project.limits`) and
appear in the OpenAPI; rules across fields (a webm file holds VP9 only, a duration of at
most three hours) are the project domain's, whose refusal the route translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

import msgspec
from msgspec import Meta
from videogen_contracts.project.limits import PAUSE_MAX_MS, Fps
from videogen_contracts.project.production import (
    EncodeEffort,
    ProductionBrief,
    RenderSettings,
    VoiceSettings,
)
from videogen_contracts.project.settings import Codec, Container
from videogen_gateway.surfaces.aura.bodies import converted, json_of
from videogen_gateway.surfaces.aura.errors import SystemProblem
from videogen_gateway.surfaces.aura.fields import (
    AudioBitrateK,
    Duration,
    Language,
    Name,
    Pitch,
    QualityLevel,
    Rate,
    ShortText,
    Topic,
    VideoBitrateK,
    within,
)
from videogen_gateway.surfaces.aura.job_settings import (
    AspectName,
    PauseStyle,
    ResolutionHeight,
    ResolutionName,
    render_settings,
    voice_settings,
)

# A pause of a job may be fractional milliseconds.
PauseMs = Annotated[float, within(0, PAUSE_MAX_MS)]
# A style or milliseconds; the union's schema is spelled out, as Litestar would leave the
# bounds of the milliseconds out of it.
Pause = Annotated[PauseStyle | PauseMs, Meta(extra_json_schema={"extra": {"oneOf": [
    {"type": "string", "enum": list(get_args(PauseStyle))},
    {"type": "number", "minimum": 0, "maximum": PAUSE_MAX_MS, "description": "milliseconds"},
]}})]
Pacing = Literal["Chill", "Conversational", "Fast"]
Density = Literal["Sparse", "Balanced", "Dense"]


class _In(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Unknown fields are ignored, as the original's clients expect."""


class BriefIn(_In, frozen=True):
    topic: Topic
    audience: ShortText | None = None
    goal: ShortText | None = None
    tone: ShortText | None = None
    language: Language | None = None
    aspect: AspectName = "Widescreen16x9"


class PlanSpecIn(_In, frozen=True):
    target_duration: Duration | None = None
    pacing: Pacing | None = None
    density: Density | None = None
    style: ShortText | None = None


class VoiceSpecIn(_In, frozen=True):
    voice_name: Name | None = None
    rate: Rate = 1.0
    pitch: Pitch = 1.0
    pause: Pause = "Natural"


class ResolutionIn(_In, frozen=True):
    """`res` as Aura's {width, height}: the height names the resolution."""

    height: ResolutionHeight
    width: int | None = None


class RenderSpecIn(_In, frozen=True):
    res: ResolutionName | ResolutionIn = "720p"
    container: Container = "mp4"
    codec: Codec = "H264"
    fps: Fps = 30
    video_bitrate_k: VideoBitrateK | None = None
    audio_bitrate_k: AudioBitrateK | None = None
    quality_level: QualityLevel | None = None
    enable_scene_cut: bool | None = None
    # The preset form's options.quality, also accepted here.
    quality: EncodeEffort | None = None


class BriefJobIn(_In, frozen=True):
    """The brief form: a brief, and optionally how to plan, voice and render it."""

    brief: BriefIn
    plan_spec: PlanSpecIn | None = None
    voice_spec: VoiceSpecIn | None = None
    render_spec: RenderSpecIn | None = None


class SampleInputs(_In, frozen=True):
    """A preset's inputs: brief fields, and the plan's for the default preset."""

    topic: Topic | None = None
    audience: ShortText | None = None
    goal: ShortText | None = None
    tone: ShortText | None = None
    language: Language | None = None
    aspect: AspectName | None = None
    target_duration: Duration | None = None
    pacing: Pacing | None = None
    density: Density | None = None
    style: ShortText | None = None


class DefaultInputs(SampleInputs, frozen=True, kw_only=True):
    topic: Topic


class PresetOptions(_In, frozen=True):
    quality: EncodeEffort = "balanced"
    allow_skip_unavailable: bool | None = None


class DefaultPresetIn(_In, frozen=True, tag_field="preset", tag="default"):
    """The default preset: a brief from `inputs` (topic required)."""

    inputs: DefaultInputs
    options: PresetOptions | None = None


class SamplePresetIn(_In, frozen=True, tag_field="preset", tag="sample-hello-youtube"):
    """The sample: "Hello YouTube" in 20 seconds; `inputs` override its brief."""

    inputs: SampleInputs | None = None
    options: PresetOptions | None = None


PresetJobIn = DefaultPresetIn | SamplePresetIn
# What POST /api/jobs accepts (the OpenAPI's request body).
JobIn = BriefJobIn | DefaultPresetIn | SamplePresetIn

SAMPLE_BRIEF = BriefIn(topic="Hello YouTube", audience="New viewers", goal="Say hello",
                       tone="Friendly", language="en", aspect="Widescreen16x9")
SAMPLE_PLAN = PlanSpecIn(target_duration="00:00:20", pacing="Conversational")
_BRIEF_FIELDS = frozenset(BriefIn.__struct_fields__)
_PLAN_FIELDS = frozenset(PlanSpecIn.__struct_fields__)
# A part of a field is reported as the field: `renderSpec.res.height` is `renderSpec.res`.
_FIELD_OF = {"renderSpec.res.": "renderSpec.res"}


@dataclass(frozen=True, slots=True)
class JobRequest:
    brief: ProductionBrief
    language: str
    voice: VoiceSettings
    render: RenderSettings


def bad(field: str, detail: str, guidance: str) -> SystemProblem:
    return SystemProblem(400, detail, field, guidance=guidance)


def job_request(body: bytes) -> JobRequest:
    payload = json_of(body)
    if not isinstance(payload, dict):
        raise bad("brief", "a brief is required", 'Send {"brief": {"topic": "..."}}.')
    if "preset" in payload:
        preset: PresetJobIn = converted(payload, PresetJobIn)
        return _request(_from_preset(preset))
    return _request(converted(payload, BriefJobIn, field_of=_FIELD_OF))


def _from_preset(preset: PresetJobIn) -> BriefJobIn:
    inputs = preset.inputs or SampleInputs()
    given = {f: getattr(inputs, f) for f in inputs.__struct_fields__
             if getattr(inputs, f) is not None}
    quality = (preset.options or PresetOptions()).quality
    if isinstance(preset, SamplePresetIn):
        brief_fields = {f: v for f, v in given.items() if f in _BRIEF_FIELDS}
        brief, plan = msgspec.structs.replace(SAMPLE_BRIEF, **brief_fields), SAMPLE_PLAN
    else:
        brief = BriefIn(**{f: v for f, v in given.items() if f in _BRIEF_FIELDS})
        plan = PlanSpecIn(**{f: v for f, v in given.items() if f in _PLAN_FIELDS})
    return BriefJobIn(brief=brief, plan_spec=plan, render_spec=RenderSpecIn(quality=quality))


def _request(job: BriefJobIn) -> JobRequest:
    brief, plan = job.brief, job.plan_spec or PlanSpecIn()
    return JobRequest(
        brief=ProductionBrief(
            topic=brief.topic.strip(),
            audience=_stripped(brief.audience),
            goal=_stripped(brief.goal),
            tone=_stripped(brief.tone),
            style=_stripped(plan.style),
            target_minutes=_minutes(plan.target_duration),
            pacing=plan.pacing,
            density=plan.density,
        ),
        language=_stripped(brief.language) or "en",
        voice=_voice(job.voice_spec or VoiceSpecIn(), plan.pacing),
        render=_render(job.render_spec or RenderSpecIn(), brief.aspect),
    )


def _voice(spec: VoiceSpecIn, pacing: str | None) -> VoiceSettings:
    return voice_settings(spec.rate, spec.pitch, spec.pause, _stripped(spec.voice_name), pacing)


def _render(spec: RenderSpecIn, aspect: str) -> RenderSettings:
    res = spec.res if isinstance(spec.res, str) else f"{spec.res.height}p"
    return render_settings(
        res=res, aspect=aspect, fps=spec.fps, codec=spec.codec, container=spec.container,
        video_k=spec.video_bitrate_k, audio_k=spec.audio_bitrate_k, quality=spec.quality_level,
        effort=spec.quality, scene_cut=spec.enable_scene_cut,
    )


def _minutes(duration: str | None) -> float | None:
    """hh:mm:ss → minutes; its range is the production's rule (at most 3 hours, not 0)."""
    if duration is None:
        return None
    hours, minutes, seconds = (int(part) for part in duration.split(":"))
    return (hours * 3600 + minutes * 60 + seconds) / 60


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()

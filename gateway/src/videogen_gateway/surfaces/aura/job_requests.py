"""Doc 001's job requests as Structs: the brief form and the preset form.

Pure, no I/O. `job_request(body)` decodes a POST /api/jobs body strictly into these shapes
and turns it into what the production needs (a brief, voice and render settings). A body
of the wrong shape is a 400 naming the field as the client sent it (`renderSpec.fps`),
with guidance. The limits are the contracts' (`videogen_contracts.project.limits`) and
appear in the OpenAPI; rules across fields (a webm file holds VP9 only, a duration of at
most three hours) are the project domain's, whose refusal the route translates.

How voiceSpec, planSpec and renderSpec become the production's settings:
- `res` names the short side of the frame ("720p"); the aspect turns it into a size
  (720p: 1280x720 wide, 720x1280 vertical, 720x720 square).
- `codec` and `container` pick the encoder; `videoBitrateK` asks for a bitrate instead of
  constant quality, which `qualityLevel` (0..100) sets otherwise; `audioBitrateK`,
  `fps` and `enableSceneCut` go to the encoder as they are.
- The preset form's `quality` (fast | balanced | high) trades encoding speed for quality.
  It travels as the render's `effort`, with `qualityLevel` as its `quality_level`: the
  export service picks the encoder preset and crf that give them (encoder_choice.py).
- `rate`, `pitch` and `pause` shape the narration; the plan's `pacing` speeds it up or
  slows it down on top of the rate.
- The plan's `style` and the brief's `tone` pick the video's look (clean, bold,
  documentary, playful) by their words; words it does not know leave it clean
  (presentation.py, docs/jobs-api.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal, TypeVar, get_args

import msgspec
from msgspec import UNSET, Meta, UnsetType
from videogen_contracts.media.events import Presentation
from videogen_contracts.project.events import AspectRatio
from videogen_contracts.project.limits import PAUSE_MAX_MS, Fps
from videogen_contracts.project.production import (
    EncodeEffort,
    ProductionBrief,
    RenderSettings,
    VoiceSettings,
)
from videogen_contracts.project.settings import Codec, Container
from videogen_gateway.presentation import style_from_words
from videogen_gateway.surfaces.aura.bodies import (
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
    converted,
    json_of,
    within,
)
from videogen_gateway.surfaces.aura.errors import SystemProblem, guidance_for

T = TypeVar("T")

AspectName = Literal["Widescreen16x9", "Vertical9x16", "Square1x1"]
ASPECTS: dict[str, AspectRatio] = {
    "Widescreen16x9": "16:9", "Vertical9x16": "9:16", "Square1x1": "1:1",
}
# `res` by name, or the height of a {width, height}.
ResolutionName = Literal["360p", "480p", "720p", "1080p", "1440p", "2160p"]
ResolutionHeight = Literal[360, 480, 720, 1080, 1440, 2160]
PauseStyle = Literal["Natural", "Short", "Long", "Dramatic"]
# Aura's PauseStyle → silence after each sentence, in milliseconds.
PAUSES = {"Natural": 250, "Short": 100, "Long": 600, "Dramatic": 1000}
PACING_RATE = {"Chill": 0.9, "Conversational": 1.0, "Fast": 1.15}
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


@dataclass(frozen=True, slots=True)
class JobRequest:
    brief: ProductionBrief
    language: str
    voice: VoiceSettings
    render: RenderSettings
    # The look, from the plan's style and the brief's tone (presentation.style_from_words).
    presentation: Presentation = field(default_factory=Presentation)


def job_request(body: bytes) -> JobRequest:
    payload = json_of(body)
    if not isinstance(payload, dict):
        raise SystemProblem(400, "a brief is required", "brief", guidance=guidance_for("brief"))
    if "preset" in payload:
        preset: PresetJobIn = converted(payload, PresetJobIn)
        return _request(_from_preset(preset))
    return _request(converted(payload, BriefJobIn))


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
    voice, render = job.voice_spec or VoiceSpecIn(), job.render_spec or RenderSpecIn()
    short = int(render.res[:-1]) if isinstance(render.res, str) else render.res.height
    long, aspect = int(round(short * 8 / 9) * 2), ASPECTS[brief.aspect]
    width, height = {"9:16": (short, long), "1:1": (short, short)}.get(aspect, (long, short))
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
        voice=VoiceSettings(
            rate=round(voice.rate * PACING_RATE.get(plan.pacing or "", 1.0), 4),
            pitch=voice.pitch, voice=_stripped(voice.voice_name),
            pause_ms=PAUSES[voice.pause] if isinstance(voice.pause, str) else int(voice.pause),
        ),
        render=RenderSettings(
            width=width, height=height, fps=render.fps, codec=render.codec.lower(),
            container=render.container, aspect=aspect,
            video_bitrate_k=_given(render.video_bitrate_k),
            audio_bitrate_k=_given(render.audio_bitrate_k),
            scene_cut=_given(render.enable_scene_cut), effort=_given(render.quality),
            quality_level=_given(render.quality_level),
        ),
        # The plan's style first: it says how the video looks, the tone only suggests it.
        presentation=Presentation(style=style_from_words(plan.style, brief.tone)),
    )


def _minutes(duration: str | None) -> float | None:
    """hh:mm:ss → minutes; its range is the production's rule (at most 3 hours, not 0)."""
    if duration is None:
        return None
    hours, minutes, seconds = (int(part) for part in duration.split(":"))
    return (hours * 3600 + minutes * 60 + seconds) / 60


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _given(value: T | None) -> T | UnsetType:
    return UNSET if value is None else value

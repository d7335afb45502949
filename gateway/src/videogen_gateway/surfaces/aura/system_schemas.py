"""Aura's settings as HTTP shapes, and their translation to and from the Settings contract.

PUT is a partial update: a group or field left out is unchanged; `null` clears a nullable
one. Keys (`openAiApiKey`, `pexelsApiKey`) are accepted here and never returned: GET says
only `openAiApiKeySet` / `pexelsApiKeySet`. Render defaults use the renderSpec names of
the jobs API (`res`, `videoBitrateK`...), so a client can copy them into a job.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType
from videogen_contracts.project.limits import Fps
from videogen_contracts.project.settings import (
    Codec,
    Container,
    KeyName,
    LlmProvider,
    ProviderChanges,
    RenderChanges,
    Resolution,
    ScorerProvider,
    SettingsChanges,
    SettingsSnapshot,
    StockProvider,
    TtsProvider,
    VideoGenProvider,
    VoiceChanges,
)
from videogen_gateway.surfaces.aura.fields import (
    AbsolutePath,
    AudioBitrateK,
    HttpUrl,
    Key,
    Name,
    PauseMs,
    Pitch,
    QualityLevel,
    Rate,
    VideoBitrateK,
)

# The documented limits are declared so that they appear in the OpenAPI; the rules across
# fields (a webm file holds VP9 only) are the project domain's.


class _In(msgspec.Struct, frozen=True, kw_only=True, rename="camel", forbid_unknown_fields=True):
    pass


class ProvidersIn(_In, frozen=True):
    llm: LlmProvider | UnsetType = UNSET
    tts: TtsProvider | UnsetType = UNSET
    stock: StockProvider | UnsetType = UNSET
    video_gen: VideoGenProvider | UnsetType = UNSET
    scorer: ScorerProvider | UnsetType = UNSET


class VoiceIn(_In, frozen=True):
    voice_name: Name | UnsetType = UNSET
    rate: Rate | UnsetType = UNSET
    pitch: Pitch | UnsetType = UNSET
    pause_ms: PauseMs | UnsetType = UNSET


class RenderIn(_In, frozen=True):
    res: Resolution | UnsetType = UNSET
    container: Container | UnsetType = UNSET
    fps: Fps | UnsetType = UNSET
    codec: Codec | UnsetType = UNSET
    video_bitrate_k: VideoBitrateK | UnsetType = UNSET
    audio_bitrate_k: AudioBitrateK | UnsetType = UNSET
    quality_level: QualityLevel | UnsetType = UNSET


class SettingsIn(_In, frozen=True):
    providers: ProvidersIn | UnsetType = UNSET
    default_voice: VoiceIn | UnsetType = UNSET
    render_defaults: RenderIn | UnsetType = UNSET
    output_directory: AbsolutePath | UnsetType | None = UNSET
    open_ai_base_url: HttpUrl | UnsetType | None = UNSET
    open_ai_model: Name | UnsetType | None = UNSET
    # Write-only. "" or null removes the key.
    open_ai_api_key: Key | UnsetType | None = UNSET
    pexels_api_key: Key | UnsetType | None = UNSET


class _Out(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    pass


class ProvidersOut(_Out, frozen=True):
    llm: str
    tts: str
    stock: str
    video_gen: str
    scorer: str


class VoiceOut(_Out, frozen=True):
    voice_name: str
    rate: float
    pitch: float
    pause_ms: int


class RenderOut(_Out, frozen=True):
    res: str
    container: str
    fps: int
    codec: str
    video_bitrate_k: int
    audio_bitrate_k: int
    quality_level: int


class SettingsOut(_Out, frozen=True):
    providers: ProvidersOut
    default_voice: VoiceOut
    render_defaults: RenderOut
    # null: the server's default (its data directory).
    output_directory: str | None
    open_ai_base_url: str | None
    open_ai_model: str | None
    open_ai_api_key_set: bool
    pexels_api_key_set: bool
    version: int
    last_updated: datetime | None


def _fields(struct: msgspec.Struct | UnsetType, rename: dict[str, str] | None = None) -> dict[
    str, object
]:
    if isinstance(struct, UnsetType):
        return {}
    names = rename or {}
    return {
        names.get(f, f): getattr(struct, f)
        for f in struct.__struct_fields__
        if getattr(struct, f) is not UNSET
    }


_SCALAR_NAMES = {"open_ai_base_url": "openai_base_url", "open_ai_model": "openai_model"}


def changes_of(body: SettingsIn) -> SettingsChanges:
    """The contract's changes (keys excluded: they are sealed apart, see `keys_of`)."""
    groups: dict[str, object] = {}
    if not isinstance(body.providers, UnsetType):
        groups["providers"] = ProviderChanges(**_fields(body.providers))  # type: ignore[arg-type]
    if not isinstance(body.default_voice, UnsetType):
        groups["default_voice"] = VoiceChanges(**_fields(body.default_voice))  # type: ignore[arg-type]
    if not isinstance(body.render_defaults, UnsetType):
        render = _fields(body.render_defaults, {"res": "resolution"})
        groups["render_defaults"] = RenderChanges(**render)  # type: ignore[arg-type]
    scalars = _fields(body, _SCALAR_NAMES)
    for name in ("output_directory", "openai_base_url", "openai_model"):
        if name in scalars:
            groups[name] = scalars[name]
    return SettingsChanges(**groups)  # type: ignore[arg-type]


def keys_of(body: SettingsIn) -> dict[KeyName, str | None]:
    """The keys the body sets (a value) or removes (None); blank counts as removal."""
    given: dict[KeyName, str | UnsetType | None] = {
        "openai_api_key": body.open_ai_api_key, "pexels_api_key": body.pexels_api_key,
    }
    return {
        name: (value.strip() or None) if isinstance(value, str) else None
        for name, value in given.items()
        if value is not UNSET
    }


def settings_out(snapshot: SettingsSnapshot) -> SettingsOut:
    p, v, r = snapshot.providers, snapshot.default_voice, snapshot.render_defaults
    return SettingsOut(
        providers=ProvidersOut(
            llm=p.llm, tts=p.tts, stock=p.stock, video_gen=p.video_gen, scorer=p.scorer
        ),
        default_voice=VoiceOut(
            voice_name=v.voice_name, rate=v.rate, pitch=v.pitch, pause_ms=v.pause_ms
        ),
        render_defaults=RenderOut(
            res=r.resolution, container=r.container, fps=r.fps, codec=r.codec,
            video_bitrate_k=r.video_bitrate_k, audio_bitrate_k=r.audio_bitrate_k,
            quality_level=r.quality_level,
        ),
        output_directory=snapshot.output_directory,
        open_ai_base_url=snapshot.openai_base_url,
        open_ai_model=snapshot.openai_model,
        open_ai_api_key_set="openai_api_key" in snapshot.sealed_keys,
        pexels_api_key_set="pexels_api_key" in snapshot.sealed_keys,
        version=snapshot.version,
        last_updated=snapshot.updated_at,
    )

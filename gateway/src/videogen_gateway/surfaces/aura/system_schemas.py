"""Aura's settings as HTTP shapes, and their translation to and from the Settings contract.

PUT is a partial update: a group or field left out is unchanged; `null` clears a nullable
one. Keys (`openAiApiKey`, `pexelsApiKey`) are accepted here and never returned: GET says
only `openAiApiKeySet` / `pexelsApiKeySet`. Render defaults use the renderSpec names of
the jobs API (`res`, `videoBitrateK`...), so a client can copy them into a job. Fields
have the contract's names (the wire's where they differ), so translation is by name.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType
from videogen_contracts.project.limits import Fps
from videogen_contracts.project.settings import (
    Codec,
    Container,
    KeyName,
    LlmProvider,
    Resolution,
    ScorerProvider,
    SettingsChanges,
    SettingsSnapshot,
    StockProvider,
    TtsProvider,
    VideoGenProvider,
)
from videogen_gateway.surfaces.aura.bodies import (
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
KEYS: tuple[KeyName, ...] = ("openai_api_key", "pexels_api_key")


def _named(name: str) -> Any:
    return msgspec.field(default=UNSET, name=name)


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
    resolution: Resolution | UnsetType = _named("res")
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
    openai_base_url: HttpUrl | UnsetType | None = _named("openAiBaseUrl")
    openai_model: Name | UnsetType | None = _named("openAiModel")
    # Write-only. "" or null removes the key.
    openai_api_key: Key | UnsetType | None = _named("openAiApiKey")
    pexels_api_key: Key | UnsetType | None = _named("pexelsApiKey")


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
    resolution: str = msgspec.field(name="res")
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
    openai_base_url: str | None = msgspec.field(name="openAiBaseUrl")
    openai_model: str | None = msgspec.field(name="openAiModel")
    open_ai_api_key_set: bool
    pexels_api_key_set: bool
    version: int
    last_updated: datetime | None


def _given(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields `struct` sets, by attribute name, nested Structs as dicts."""
    fields = ((f, getattr(struct, f)) for f in struct.__struct_fields__)
    return {f: _given(v) if isinstance(v, msgspec.Struct) else v
            for f, v in fields if v is not UNSET}


def changes_of(body: SettingsIn) -> SettingsChanges:
    """The contract's changes (keys excluded: they are sealed apart, see `keys_of`)."""
    given = {f: v for f, v in _given(body).items() if f not in KEYS}
    return msgspec.convert(given, SettingsChanges)


def keys_of(body: SettingsIn) -> dict[KeyName, str | None]:
    """The keys the body sets (a value) or removes (None); blank counts as removal."""
    given: dict[KeyName, str | UnsetType | None] = {k: getattr(body, k) for k in KEYS}
    return {name: (value.strip() or None) if isinstance(value, str) else None
            for name, value in given.items() if value is not UNSET}


def settings_out(snapshot: SettingsSnapshot) -> SettingsOut:
    keys = snapshot.sealed_keys
    view = SimpleNamespace(
        **msgspec.structs.asdict(snapshot), last_updated=snapshot.updated_at,
        open_ai_api_key_set="openai_api_key" in keys, pexels_api_key_set="pexels_api_key" in keys,
    )
    return msgspec.convert(view, SettingsOut, from_attributes=True)

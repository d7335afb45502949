"""The Settings aggregate: provider selection, default voice, render defaults, output
directory, and the provider keys, kept by the project service in one stream.

One installation has one settings stream, `settings-default`. Its events carry no project
id (subject `vg.project._.<Type>`).

Provider keys are write-only. The gateway seals a key (authenticated encryption under a
key only the gateway holds, see gateway/system/sealing.py) before it sends the command, so
the plaintext is never on the bus, in this log, or in any reply; events and answers carry
only the sealed token, and the HTTP surface only says whether a key is set.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import msgspec
from msgspec import UNSET, UnsetType

from videogen_contracts.project.events import Timestamp

SETTINGS_STREAM = "settings-default"

KeyName = Literal["openai_api_key", "pexels_api_key"]
LlmProvider = Literal["offline", "openai"]
TtsProvider = Literal["piper", "espeak", "openai-tts"]
StockProvider = Literal["procedural", "pexels"]
VideoGenProvider = Literal["ffmpeg-effects", "openai-video"]
ScorerProvider = Literal["objective-metrics", "openai-vision"]
Resolution = Literal["480p", "720p", "1080p", "1440p", "2160p"]
Container = Literal["mp4", "webm"]
Codec = Literal["H264", "HEVC", "VP9"]


# --- the settings as they stand (defaults = a fresh installation) -----------------------


class ProviderSelection(msgspec.Struct, frozen=True, kw_only=True):
    llm: LlmProvider = "offline"
    tts: TtsProvider = "piper"
    stock: StockProvider = "procedural"
    video_gen: VideoGenProvider = "ffmpeg-effects"
    scorer: ScorerProvider = "objective-metrics"


class VoiceDefaults(msgspec.Struct, frozen=True, kw_only=True):
    voice_name: str = "joe-us"
    rate: float = 1.0
    pitch: float = 1.0
    pause_ms: int = 0


class RenderDefaults(msgspec.Struct, frozen=True, kw_only=True):
    resolution: Resolution = "1080p"
    container: Container = "mp4"
    fps: int = 30
    codec: Codec = "H264"
    video_bitrate_k: int = 5000
    audio_bitrate_k: int = 192
    quality_level: int = 75


# --- what one update changes: UNSET = unchanged ----------------------------------------


class ProviderChanges(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    llm: LlmProvider | UnsetType = UNSET
    tts: TtsProvider | UnsetType = UNSET
    stock: StockProvider | UnsetType = UNSET
    video_gen: VideoGenProvider | UnsetType = UNSET
    scorer: ScorerProvider | UnsetType = UNSET


class VoiceChanges(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    voice_name: str | UnsetType = UNSET
    rate: float | UnsetType = UNSET
    pitch: float | UnsetType = UNSET
    pause_ms: int | UnsetType = UNSET


class RenderChanges(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    resolution: Resolution | UnsetType = UNSET
    container: Container | UnsetType = UNSET
    fps: int | UnsetType = UNSET
    codec: Codec | UnsetType = UNSET
    video_bitrate_k: int | UnsetType = UNSET
    audio_bitrate_k: int | UnsetType = UNSET
    quality_level: int | UnsetType = UNSET


class SettingsChanges(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """None clears a nullable setting back to the server's default."""

    providers: ProviderChanges | UnsetType = UNSET
    default_voice: VoiceChanges | UnsetType = UNSET
    render_defaults: RenderChanges | UnsetType = UNSET
    output_directory: str | UnsetType | None = UNSET
    openai_base_url: str | UnsetType | None = UNSET
    openai_model: str | UnsetType | None = UNSET


# --- events -----------------------------------------------------------------------------


class SettingsEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1


class SettingsUpdated(SettingsEventBase, frozen=True, tag="SettingsUpdated"):
    changes: SettingsChanges
    updated_at: Timestamp


class ProviderKeySet(SettingsEventBase, frozen=True, tag="ProviderKeySet"):
    key: KeyName
    # The gateway's sealed token (Fernet); never the key itself.
    sealed: str
    set_at: Timestamp


class ProviderKeyCleared(SettingsEventBase, frozen=True, tag="ProviderKeyCleared"):
    key: KeyName
    cleared_at: Timestamp


SettingsEvent = SettingsUpdated | ProviderKeySet | ProviderKeyCleared

event_decoder = msgspec.json.Decoder(SettingsEvent)
EVENT_TYPES: tuple[type[SettingsEventBase], ...] = get_args(SettingsEvent)


# --- the command and the query ----------------------------------------------------------


class UpdateSettings(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    changes: SettingsChanges = SettingsChanges()
    # Sealed tokens to store; None removes that key.
    sealed_keys: dict[KeyName, str | None] = msgspec.field(default_factory=dict)


class GetSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The settings as they stand (a query: QueryAnswered with a `SettingsSnapshot`)."""


class SettingsSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    providers: ProviderSelection
    default_voice: VoiceDefaults
    render_defaults: RenderDefaults
    output_directory: str | None
    openai_base_url: str | None
    openai_model: str | None
    # Sealed tokens of the keys that are set (the gateway reports only their presence).
    sealed_keys: dict[KeyName, str]
    updated_at: Timestamp | None


COMMANDS: dict[str, type[msgspec.Struct]] = {"update_settings": UpdateSettings}
QUERIES: dict[str, type[msgspec.Struct]] = {"get_settings": GetSettings}

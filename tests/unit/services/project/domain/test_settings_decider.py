"""The Settings aggregate, given/when/then with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce

import pytest
from project_service.domain.settings import INITIAL, SettingsState, decide, evolve, snapshot
from videogen_contracts.errors import Invalid
from videogen_contracts.project.settings import (
    ProviderChanges,
    ProviderKeyCleared,
    ProviderKeySet,
    RenderChanges,
    SettingsChanges,
    SettingsEvent,
    SettingsUpdated,
    UpdateSettings,
    VoiceChanges,
)

pytestmark = pytest.mark.aura

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def given(*events: SettingsEvent) -> SettingsState:
    return reduce(evolve, events, INITIAL)


def update(
    changes: SettingsChanges | None = None, **keys: str | None
) -> UpdateSettings:
    return UpdateSettings(
        command_id="c1", now=NOW, changes=changes or SettingsChanges(),
        sealed_keys=keys,  # type: ignore[arg-type]
    )


def test_a_change_is_recorded_and_folded_over_the_defaults() -> None:
    changes = SettingsChanges(
        providers=ProviderChanges(llm="openai"),
        default_voice=VoiceChanges(rate=1.5),
        output_directory="/srv/out",
    )
    events = decide(update(changes), INITIAL)
    assert events == [SettingsUpdated(changes=changes, updated_at=NOW)]
    state = given(*events)
    assert state.providers.llm == "openai"
    assert state.providers.tts == "piper"  # untouched fields keep their values
    assert state.default_voice.rate == 1.5
    assert state.default_voice.voice_name == "joe-us"
    assert state.output_directory == "/srv/out"
    assert state.updated_at == NOW


def test_an_update_that_changes_nothing_records_nothing() -> None:
    state = given(SettingsUpdated(changes=SettingsChanges(output_directory="/a"), updated_at=NOW))
    assert decide(update(SettingsChanges(output_directory="/a")), state) == []
    assert decide(update(), state) == []


def test_none_clears_a_nullable_setting() -> None:
    set_dir = SettingsUpdated(changes=SettingsChanges(output_directory="/a"), updated_at=NOW)
    events = decide(update(SettingsChanges(output_directory=None)), given(set_dir))
    assert given(set_dir, *events).output_directory is None


def test_keys_are_recorded_sealed_and_cleared_only_when_set() -> None:
    events = decide(update(openai_api_key="sealed-1"), INITIAL)
    assert events == [ProviderKeySet(key="openai_api_key", sealed="sealed-1", set_at=NOW)]
    state = given(*events)
    assert state.sealed_keys == {"openai_api_key": "sealed-1"}
    assert decide(update(pexels_api_key=None), state) == []
    cleared = decide(update(openai_api_key=None), state)
    assert cleared == [ProviderKeyCleared(key="openai_api_key", cleared_at=NOW)]
    assert given(*events, *cleared).sealed_keys == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (SettingsChanges(default_voice=VoiceChanges(rate=3.0)), "default_voice.rate"),
        (SettingsChanges(default_voice=VoiceChanges(rate=float("nan"))), "default_voice.rate"),
        (SettingsChanges(default_voice=VoiceChanges(pitch=0.1)), "default_voice.pitch"),
        (SettingsChanges(default_voice=VoiceChanges(pause_ms=-1)), "default_voice.pause_ms"),
        (SettingsChanges(default_voice=VoiceChanges(voice_name="  ")), "default_voice.voice_name"),
        (SettingsChanges(render_defaults=RenderChanges(fps=29)), "render_defaults.fps"),
        (SettingsChanges(render_defaults=RenderChanges(container="webm")), "render_defaults.codec"),
        (
            SettingsChanges(render_defaults=RenderChanges(video_bitrate_k=10)),
            "render_defaults.video_bitrate_k",
        ),
        (
            SettingsChanges(render_defaults=RenderChanges(audio_bitrate_k=9999)),
            "render_defaults.audio_bitrate_k",
        ),
        (
            SettingsChanges(render_defaults=RenderChanges(quality_level=101)),
            "render_defaults.quality_level",
        ),
        (SettingsChanges(output_directory="relative/dir"), "output_directory"),
        (SettingsChanges(output_directory="/a\0b"), "output_directory"),
        (SettingsChanges(openai_base_url="ftp://x"), "openai_base_url"),
        (SettingsChanges(openai_base_url="localhost:11434"), "openai_base_url"),
        (SettingsChanges(openai_model=""), "openai_model"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(changes: SettingsChanges, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        decide(update(changes), INITIAL)
    assert refused.value.field == field


def test_a_codec_change_is_checked_against_the_container_already_chosen() -> None:
    webm = RenderChanges(container="webm", codec="VP9")
    state = given(*decide(update(SettingsChanges(render_defaults=webm)), INITIAL))
    with pytest.raises(Invalid, match="webm"):
        decide(update(SettingsChanges(render_defaults=RenderChanges(codec="H264"))), state)


def test_a_key_that_is_not_a_sealed_token_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        decide(update(openai_api_key=""), INITIAL)
    assert refused.value.field == "openai_api_key"


def test_the_snapshot_carries_the_version_and_every_setting() -> None:
    state = given(*decide(update(pexels_api_key="s"), INITIAL))
    shot = snapshot(state, 7)
    assert shot.version == 7
    assert shot.sealed_keys == {"pexels_api_key": "s"}
    assert shot.render_defaults.fps == 30

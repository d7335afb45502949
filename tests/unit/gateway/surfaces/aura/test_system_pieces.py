"""The pure pieces of the system endpoints: ffmpeg output parsing, disk thresholds, the
readiness roll-up, field naming, sealing, and the settings translation (no secret out)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from cryptography.fernet import Fernet
from videogen_contracts.project.settings import (
    ProviderSelection,
    RenderDefaults,
    SettingsSnapshot,
    VoiceDefaults,
)
from videogen_gateway.health.readiness import ProbeCheck, report_of
from videogen_gateway.surfaces.aura.errors import client_path
from videogen_gateway.surfaces.aura.system_schemas import (
    SettingsIn,
    changes_of,
    keys_of,
    settings_out,
)
from videogen_gateway.system.disk import DiskLimits, disk_space
from videogen_gateway.system.ffmpeg_status import parse_encoders, parse_version
from videogen_gateway.system.sealing import KEY_FILE, SealedKeyUnreadable, SecretBox


@pytest.mark.parametrize(
    ("banner", "version", "meets"),
    [
        ("ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright (c)", "9.0.2", True),
        ("ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023", "6.1.1", True),
        ("ffmpeg version 4.0 Copyright", "4.0", True),
        ("ffmpeg version 3.4.11-0ubuntu0.1 Copyright", "3.4.11", False),
        ("ffmpeg version N-112233-gdeadbeef Copyright", "N-112233-gdeadbeef", False),
        ("not ffmpeg at all", None, False),
    ],
)
def test_versions_are_read_from_the_banner(banner: str, version: str | None, meets: bool) -> None:
    assert parse_version(banner) == (version, meets)


def test_encoders_are_the_video_lines_after_the_legend() -> None:
    listing = (
        "Encoders:\n V..... = Video\n A..... = Audio\n ------\n"
        " V....D libx264              libx264 H.264\n"
        " V..... h264_qsv             H.264 (Intel Quick Sync Video acceleration)\n"
        " A....D aac                  AAC\n"
    )
    assert parse_encoders(listing) == {"libx264", "h264_qsv"}


def test_disk_thresholds(tmp_path: Path) -> None:
    free = disk_space(tmp_path, DiskLimits()).free_gb
    assert disk_space(tmp_path, DiskLimits(0, 0)).status == "healthy"
    degraded = disk_space(tmp_path, DiskLimits(degraded_gb=free + 1, unhealthy_gb=0))
    assert degraded.status == "degraded"
    assert "Low disk space" in degraded.description
    unhealthy = disk_space(tmp_path / "not" / "yet", DiskLimits(free + 2, free + 1))
    assert unhealthy.status == "unhealthy"
    assert unhealthy.path == str(tmp_path)  # the nearest existing directory
    assert set(unhealthy.data()) == {"free_gb", "total_gb", "threshold_gb", "critical_gb",
                                     "drive"}


def test_disk_limits_come_from_the_environment() -> None:
    env = {"VIDEOGEN_DISK_DEGRADED_GB": "2", "VIDEOGEN_DISK_UNHEALTHY_GB": "1"}
    limits = DiskLimits.from_env(env)
    assert limits == DiskLimits(2.0, 1.0)
    assert DiskLimits.from_env({}) == DiskLimits(1.0, 0.5)


def _check(name: str, status: str) -> ProbeCheck:
    return ProbeCheck(name=name, status=status, description=name, data={})  # type: ignore[arg-type]


def test_the_worst_check_decides() -> None:
    assert report_of([]).status == "healthy"
    assert report_of([_check("a", "healthy"), _check("b", "degraded")]).status == "degraded"
    assert report_of([_check("a", "unhealthy"), _check("b", "degraded")]).status == "unhealthy"


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("default_voice.pause_ms", "defaultVoice.pauseMs"),
        ("render_defaults.resolution", "renderDefaults.res"),
        ("openai_api_key", "openAiApiKey"),
        ("output_directory", "outputDirectory"),
        # a job's production refused by the project domain, named as POST /api/jobs sent it
        ("render.codec", "renderSpec.codec"),
        ("render.video_bitrate_k", "renderSpec.videoBitrateK"),
        ("render.height", "renderSpec.res"),
        ("voice.pause_ms", "voiceSpec.pause"),
        ("language", "brief.language"),
        ("target_duration_minutes", "planSpec.targetDuration"),
        ("brief.pacing", "planSpec.pacing"),
        ("brief.topic", "brief.topic"),
        (None, None),
    ],
)
def test_service_fields_are_named_as_the_client_sent_them(
    field: str | None, named: str | None
) -> None:
    assert client_path(field) == named


def test_sealing_round_trip_and_a_foreign_key(tmp_path: Path) -> None:
    box = SecretBox.from_key(None, tmp_path)
    token = box.seal("sk-secret")
    assert "sk-secret" not in token
    assert token != box.seal("sk-secret")  # a fresh token every time
    assert SecretBox.from_key(None, tmp_path).open(token) == "sk-secret"  # same key file
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    other = SecretBox.from_key(Fernet.generate_key().decode(), tmp_path)
    with pytest.raises(SealedKeyUnreadable):
        other.open(token)
    assert "sk" not in repr(box)


def SecretBox_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def test_settings_translation_keeps_keys_apart_and_never_returns_them() -> None:
    body = msgspec.json.decode(
        b'{"renderDefaults": {"res": "720p"}, "openAiModel": null,'
        b' "openAiApiKey": "sk-live", "pexelsApiKey": "  "}',
        type=SettingsIn,
    )
    changes = changes_of(body)
    assert msgspec.json.encode(changes) == b'{"render_defaults":{"resolution":"720p"},' \
        b'"openai_model":null}'
    assert keys_of(body) == {"openai_api_key": "sk-live", "pexels_api_key": None}
    snapshot = SettingsSnapshot(
        version=3, providers=ProviderSelection(), default_voice=VoiceDefaults(),
        render_defaults=RenderDefaults(), output_directory=None, openai_base_url=None,
        openai_model=None, sealed_keys={"openai_api_key": "gAAAA-sealed"},
        updated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    out = msgspec.json.encode(settings_out(snapshot))
    assert b"gAAAA-sealed" not in out
    decoded = msgspec.json.decode(out)
    assert decoded["openAiApiKeySet"] is True
    assert decoded["pexelsApiKeySet"] is False
    assert decoded["renderDefaults"]["res"] == "1080p"

"""What the system endpoints share for the life of the app (held in the app's State)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from litestar.datastructures import State
from videogen_runtime.settings import Settings

from videogen_gateway.system.disk import DiskLimits
from videogen_gateway.system.ffmpeg_status import FfmpegProber
from videogen_gateway.system.sealing import SecretBox


@dataclass
class SystemContext:
    data_dir: Path
    disk_limits: DiskLimits
    prober: FfmpegProber = field(default_factory=FfmpegProber)

    @classmethod
    def from_settings(cls, settings: Settings) -> SystemContext:
        return cls(data_dir=settings.data_dir, disk_limits=DiskLimits.from_env())

    @cached_property
    def box(self) -> SecretBox:
        """Opened on first use: it may create the key file in the data dir."""
        return SecretBox.from_env(self.data_dir)


def system_of(state: State) -> SystemContext:
    system = state["system"]
    if not isinstance(system, SystemContext):
        raise RuntimeError("app state holds no SystemContext")
    return system

"""What the system endpoints share for the life of the app (held in the app's State)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from litestar.datastructures import State
from videogen_providers.config import ProviderConfig

from videogen_gateway.runtime import Runtime
from videogen_gateway.system.disk import DiskLimits
from videogen_gateway.system.ffmpeg_status import FfmpegProber
from videogen_gateway.system.sealing import SecretBox


@dataclass
class SystemContext:
    data_dir: Path
    disk_limits: DiskLimits
    # The environment's provider configuration, which the saved settings overlay.
    providers: ProviderConfig = field(default_factory=ProviderConfig)
    secrets_key: str | None = field(default=None, repr=False)
    prober: FfmpegProber = field(default_factory=FfmpegProber)

    @classmethod
    def of(cls, runtime: Runtime) -> SystemContext:
        options = runtime.options
        return cls(
            data_dir=runtime.settings.data_dir, disk_limits=options.disk_limits,
            providers=options.providers, secrets_key=options.secrets_key,
        )

    @cached_property
    def box(self) -> SecretBox:
        """Opened on first use: it may create the key file in the data dir."""
        return SecretBox.from_key(self.secrets_key, self.data_dir)


def system_of(state: State) -> SystemContext:
    system = state["system"]
    if not isinstance(system, SystemContext):
        raise RuntimeError("app state holds no SystemContext")
    return system

"""Free disk space where the blobs and outputs go: degraded under 1 GB, unhealthy under 0.5.

Both limits are configurable (`VIDEOGEN_DISK_DEGRADED_GB`, `VIDEOGEN_DISK_UNHEALTHY_GB`),
as in the original's `DiskSpaceThresholdGB` / `DiskSpaceCriticalGB`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

GB = 1024**3

DiskStatus = Literal["healthy", "degraded", "unhealthy"]


@dataclass(frozen=True, slots=True)
class DiskLimits:
    degraded_gb: float = 1.0
    unhealthy_gb: float = 0.5

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DiskLimits:
        env = os.environ if environ is None else environ
        return cls(
            degraded_gb=float(env.get("VIDEOGEN_DISK_DEGRADED_GB", "1.0")),
            unhealthy_gb=float(env.get("VIDEOGEN_DISK_UNHEALTHY_GB", "0.5")),
        )


@dataclass(frozen=True, slots=True)
class DiskSpace:
    path: str
    free_gb: float
    total_gb: float
    status: DiskStatus
    limits: DiskLimits

    @property
    def description(self) -> str:
        where = f"{self.free_gb:.2f} GB free of {self.total_gb:.2f} GB on {self.path}"
        if self.status == "unhealthy":
            return f"Critically low disk space: {where} (under {self.limits.unhealthy_gb:g} GB)"
        if self.status == "degraded":
            return f"Low disk space: {where} (under {self.limits.degraded_gb:g} GB)"
        return f"Sufficient disk space: {where}"

    def data(self) -> dict[str, object]:
        return {"free_gb": self.free_gb, "total_gb": self.total_gb,
                "threshold_gb": self.limits.degraded_gb, "critical_gb": self.limits.unhealthy_gb,
                "drive": self.path}


def disk_space(path: Path, limits: DiskLimits) -> DiskSpace:
    """Blocking (one statvfs): call it in a thread."""
    # `path` or its nearest existing ancestor (the data dir may not exist yet).
    where = next((p for p in (path.resolve(), *path.resolve().parents) if p.exists()), Path("/"))
    usage = shutil.disk_usage(where)
    free_gb = round(usage.free / GB, 2)
    status: DiskStatus = ("unhealthy" if free_gb < limits.unhealthy_gb
                          else "degraded" if free_gb < limits.degraded_gb else "healthy")
    return DiskSpace(str(where), free_gb, round(usage.total / GB, 2), status, limits)

"""Process settings, read once from the environment at start (12-factor)."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:15432/postgres"
DEFAULT_NATS_URL = "nats://127.0.0.1:14222"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = DEFAULT_DATABASE_URL
    nats_url: str = DEFAULT_NATS_URL
    # Prefix for every subject, stream and durable name (tests give each world its own).
    namespace: str = ""
    # The service's own PostgreSQL schema defaults to its name; a namespace prefixes it.
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".data")
    log_level: str = "info"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("VIDEOGEN_DATABASE_URL", DEFAULT_DATABASE_URL),
            nats_url=env.get("VIDEOGEN_NATS_URL", DEFAULT_NATS_URL),
            namespace=env.get("VIDEOGEN_NAMESPACE", ""), host=env.get("VIDEOGEN_HOST", "127.0.0.1"),
            port=int(env.get("VIDEOGEN_PORT", "8000")),
            data_dir=Path(env.get("VIDEOGEN_DATA_DIR", ".data")),
            log_level=env.get("VIDEOGEN_LOG_LEVEL", "info"),
        )

    def schema_for(self, service: str) -> str:
        """The PostgreSQL schema a service owns: `project`, or `<namespace>_project`."""
        return f"{self.namespace}_{service}" if self.namespace else service

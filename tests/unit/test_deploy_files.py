"""compose.yaml cannot run here (no Docker engine), but it must be valid and complete."""

from __future__ import annotations

from pathlib import Path

import yaml
from videogen_local.stack import available_processes

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_infra_and_every_runnable_service() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert "jetstream" in (ROOT / "deploy/nats/nats.conf").read_text()
    assert {"nats", "postgres"} <= services.keys()
    for name, module in available_processes():
        assert name in services, f"{name} missing from compose.yaml"
        build = services[name]["build"]
        assert build["args"]["SERVICE"] == module
        assert (ROOT / build["dockerfile"]).exists()
        env = services[name]["environment"]
        assert env["VIDEOGEN_NATS_URL"].startswith("nats://nats:")
        assert env["VIDEOGEN_DATABASE_URL"].startswith("postgresql://")


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()

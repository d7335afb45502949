"""Every NATS subject and stream name is built here and nowhere else.

A `Namespace` prefixes all of them, so a test (or a second deployment on shared servers)
gets its own world: `Namespace("t1f3")` publishes on `t1f3.vg.…` into stream `T1F3_VG_…`.
The default namespace is empty: `vg.<service>.<project_id>.<EventType>`, `svc.<service>.<cmd>`.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICES = ("project", "script", "media", "export")

# Events that belong to no project (settings, system) are published under this token.
NO_PROJECT = "_"


@dataclass(frozen=True, slots=True)
class Namespace:
    name: str = ""

    def _p(self, root: str) -> str:
        return f"{self.name}.{root}" if self.name else root

    def stream_name(self, service: str) -> str:
        base = f"VG_{service.upper()}"
        return f"{self.name.upper()}_{base}" if self.name else base

    def stream_subjects(self, service: str) -> str:
        return f"{self._p('vg')}.{service}.>"

    def event_subject(self, service: str, project_id: str | None, event_type: str) -> str:
        return f"{self._p('vg')}.{service}.{project_id or NO_PROJECT}.{event_type}"

    def project_events(self, project_id: str) -> str:
        """Everything about one project, from every service (feeds SSE and WebSocket)."""
        return f"{self._p('vg')}.*.{project_id}.>"

    def command_subject(self, service: str, command: str) -> str:
        return f"{self._p('svc')}.{service}.{command}"

    def command_queue(self, service: str) -> str:
        return f"{self._p('svc')}-{service}".replace(".", "-")

    def durable(self, owner: str, purpose: str) -> str:
        """Durable consumer names: `<owner>-<purpose>` (dots are not allowed in them)."""
        prefix = f"{self.name}-" if self.name else ""
        return f"{prefix}{owner}-{purpose}".replace(".", "-")

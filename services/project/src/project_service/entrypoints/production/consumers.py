"""The process manager's durable consumers: one per watched stream, all named
`<ns>-project-production-pm`, shared by every replica of the project service."""

from __future__ import annotations

from videogen_runtime.service import Plumbing

from project_service.app.production.policy import CONSUMER, ProductionPolicy
from project_service.app.production.reactions import WATCHED


async def start_production_manager(base: Plumbing, policy: ProductionPolicy) -> None:
    """Run the process manager's consumers until the stack closes (they stop first)."""
    for service, event_types in WATCHED.items():
        subjects = [base.namespace.event_subject(service, "*", t) for t in event_types]
        await base.consume(service, CONSUMER, subjects, lambda event, _: policy.on_event(event))

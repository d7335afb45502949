"""Composition root: builds the project service from Settings and nothing else.

`project_app` wires the application on whichever store, appender, sender and tracker it is
given (Postgres and NATS here, the in-memory ones in unit tests). `start_project_service`
opens the shared plumbing (videogen_runtime.service) and enters the service's own parts
after it, so the stack closes them first, which is the graceful-shutdown order: stop the
process manager's consumers, stop serving commands (in-flight ones finish and reply), let
the relay finish its batch, drain NATS, close the pool.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime

from videogen_bus.rpc import CommandSender, CommandServer, NatsCommandSender
from videogen_contracts.project.events import SERVICE
from videogen_eventstore.api import EventStore
from videogen_eventstore.multi_stream import AtomicAppender, PostgresAtomicAppender
from videogen_runtime.service import Plumbing, open_plumbing
from videogen_runtime.settings import Settings

from project_service.adapters.tracking import PostgresTracker
from project_service.app.api_key_handlers import ApiKeyHandlers
from project_service.app.handlers import ProjectCommandHandler
from project_service.app.production.handlers import ProductionHandlers
from project_service.app.production.policy import CONSUMER, ProductionPolicy, Tracker, utc_now
from project_service.app.settings_handlers import SettingsHandlers
from project_service.entrypoints.api_key_rpc import api_key_handlers
from project_service.entrypoints.production.consumers import start_production_manager
from project_service.entrypoints.production.rpc import production_command_handlers
from project_service.entrypoints.production.watch import start_stall_watch
from project_service.entrypoints.rpc import command_handlers
from project_service.entrypoints.settings_rpc import settings_handlers


@dataclass(frozen=True)
class ProjectApp:
    """The application: command handlers and the production process manager."""

    projects: ProjectCommandHandler
    production: ProductionHandlers
    settings: SettingsHandlers
    policy: ProductionPolicy
    api_keys: ApiKeyHandlers


def project_app(
    store: EventStore,
    appender: AtomicAppender,
    sender: CommandSender,
    tracker: Tracker,
    clock: Callable[[], datetime] = utc_now,
) -> ProjectApp:
    production = ProductionHandlers(store, appender)
    return ProjectApp(
        ProjectCommandHandler(store), production, SettingsHandlers(store),
        ProductionPolicy(production, sender, tracker, clock=clock), ApiKeyHandlers(store),
    )


@dataclass(frozen=True)
class ProjectService:
    """The running parts, exposed for tests."""

    plumbing: Plumbing
    server: CommandServer


async def start_project_service(settings: Settings, stack: AsyncExitStack) -> ProjectService:
    base = await open_plumbing(SERVICE, settings, stack)
    pool, schema = base.pool, base.schema
    app = project_app(
        base.store, PostgresAtomicAppender(pool, schema),
        NatsCommandSender(base.nc, base.namespace), PostgresTracker(pool, schema, CONSUMER),
    )
    server = await base.serve({
        **command_handlers(app.projects),
        **production_command_handlers(app.production),
        **settings_handlers(app.settings),
        **api_key_handlers(app.api_keys),
    })
    # The production process manager; its consumers stop before the server and the relay.
    await start_production_manager(base, app.policy)
    await start_stall_watch(base, app.production)
    return ProjectService(base, server)

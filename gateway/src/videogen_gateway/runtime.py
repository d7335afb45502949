"""What a running gateway holds: settings, and the resources its lifespan opens.

Handlers reach these through `runtime_of(state)`. The resources are set by `lifespan.py` as
the app starts; touching one before that is a programming error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import asyncpg
from litestar.datastructures import State
from nats.aio.client import Client
from videogen_contracts.subjects import Namespace
from videogen_providers.config import ProviderConfig
from videogen_runtime.settings import Settings

from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.access.limit_settings import AbuseLimits
from videogen_gateway.command_client import Dispatcher
from videogen_gateway.positions import PositionWaiter
from videogen_gateway.readmodels.projects.cache import DetailCache
from videogen_gateway.readmodels.projects.queries import ProjectQueries
from videogen_gateway.realtime import Hub
from videogen_gateway.system.disk import DiskLimits

MAX_BODY_BYTES = 1024 * 1024
LLM_WAIT_SECONDS = 120.0
TEXT2VIDEO_MAX_CHARS = 100_000
UPLOAD_MAX_BYTES = 4 * 1024**3
UPLOAD_TOKEN_TTL = 3600.0
EDITOR_STRIP_MAX_FRAMES = 240

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GatewayOptions:
    # The services the surfaces send commands to; health pings each of them.
    services: tuple[str, ...] = ("project",)
    # How long a command is resent while its service does not answer (restarting, say).
    resend_for: float = 20.0
    # How long one attempt waits for a reply before it is resent (same command_id).
    attempt_timeout: float = 3.0
    # How long a write waits for the read models to show it (read-your-writes).
    visible_within: float = 5.0
    # Serve project details from memory, kept exact by the projection's notifications
    # (readmodels/projects/cache.py explains why that is safe, and its one caveat).
    detail_cache: bool = True
    # Aura's system endpoints: the free-disk thresholds of the health check, the providers
    # as the environment configures them (the saved settings overlay them), and the key
    # that seals provider keys (None: `<data dir>/secrets.key`, see system/sealing.py).
    disk_limits: DiskLimits = field(default_factory=DiskLimits)
    providers: ProviderConfig = field(default_factory=ProviderConfig)
    secrets_key: str | None = field(default=None, repr=False)
    # How long a client waits for a language model that writes while it waits (studio).
    llm_wait: float = LLM_WAIT_SECONDS
    # The longest text a text2video job takes, in characters.
    text2video_max_chars: int = TEXT2VIDEO_MAX_CHARS
    # The studio's generation-status SSE: a heartbeat comment every so many seconds, and how
    # recently the latest run may have ended for a first connection to replay it.
    sse_heartbeat: float = 15.0
    sse_recent_run: float = 300.0
    # The editor's uploads (surfaces/editor/uploads.py): the largest file taken, how long
    # an upload URL stays valid, and the key that signs its token (None: `<data dir>/
    # upload.key`, created at first start; every replica of a deployment must share it).
    upload_max_bytes: int = UPLOAD_MAX_BYTES
    upload_token_ttl: float = UPLOAD_TOKEN_TTL
    upload_key: str | None = field(default=None, repr=False)
    # Where a new editor project's `video_url` may point: http(s) URLs under one of these
    # prefixes (none by default), or files under this directory (None: no path imports).
    import_url_prefixes: tuple[str, ...] = ()
    import_dir: Path | None = None
    # The most frames one editor preview strip may ask for (more is a 400).
    editor_strip_max_frames: int = EDITOR_STRIP_MAX_FRAMES
    # The abuse limits of costly routes (access/limits.py), shared by every replica.
    limits: AbuseLimits = field(default_factory=AbuseLimits)
    # The origins a browser may call us from (CORS, access/headers.py): none by default.
    cors_origins: tuple[str, ...] = ()
    # Where a provider's base URL in the Aura settings may point (SSRF): URLs under these
    # prefixes; empty means the base URLs the environment configures, and nothing else.
    provider_url_prefixes: tuple[str, ...] = ()
    # Who may call (VIDEOGEN_AUTH: none, apikey, jwt) and how (access/authn_options.py).
    auth: AuthOptions = field(default_factory=AuthOptions)

    @classmethod
    def from_env(cls) -> GatewayOptions:
        raw = os.environ.get("VIDEOGEN_GATEWAY_SERVICES", "project")
        cache = os.environ.get("VIDEOGEN_GATEWAY_DETAIL_CACHE", "1").lower()
        import_dir = os.environ.get("VIDEOGEN_IMPORT_DIR")
        return cls(
            services=_listed(raw),
            detail_cache=cache not in ("0", "false", "no", "off"),
            disk_limits=DiskLimits.from_env(),
            providers=ProviderConfig.from_env(),
            secrets_key=os.environ.get("VIDEOGEN_SECRETS_KEY") or None,
            llm_wait=float(os.environ.get("VIDEOGEN_GATEWAY_LLM_TIMEOUT", LLM_WAIT_SECONDS)),
            text2video_max_chars=int(
                os.environ.get("VIDEOGEN_TEXT2VIDEO_MAX_CHARS", TEXT2VIDEO_MAX_CHARS)
            ),
            sse_heartbeat=float(os.environ.get("VIDEOGEN_SSE_HEARTBEAT_SECONDS", 15.0)),
            sse_recent_run=float(os.environ.get("VIDEOGEN_SSE_RECENT_RUN_SECONDS", 300.0)),
            upload_max_bytes=int(os.environ.get("VIDEOGEN_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)),
            upload_token_ttl=float(
                os.environ.get("VIDEOGEN_UPLOAD_TOKEN_TTL_SECONDS", UPLOAD_TOKEN_TTL)
            ),
            upload_key=os.environ.get("VIDEOGEN_UPLOAD_KEY") or None,
            import_url_prefixes=_listed(os.environ.get("VIDEOGEN_IMPORT_URL_PREFIXES", "")),
            import_dir=Path(import_dir) if import_dir else None,
            editor_strip_max_frames=int(
                os.environ.get("VIDEOGEN_EDITOR_STRIP_MAX_FRAMES", EDITOR_STRIP_MAX_FRAMES)
            ),
            limits=AbuseLimits.from_env(),
            cors_origins=_listed(os.environ.get("VIDEOGEN_CORS_ORIGINS", "")),
            provider_url_prefixes=_listed(os.environ.get("VIDEOGEN_PROVIDER_URL_PREFIXES", "")),
            auth=AuthOptions.from_env(),
        )


def _listed(raw: str) -> tuple[str, ...]:
    """A comma-separated option's items, blanks dropped."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


class Opened(Generic[T]):
    """A resource the lifespan opens: reading it before the app started raises."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, rt: object, owner: type | None = None) -> T:
        resource: T | None = getattr(rt, self.slot)
        if resource is None:
            raise RuntimeError(f"the gateway's {self.what} is not open (app not started?)")
        return resource

    def __set__(self, rt: object, resource: T) -> None:
        setattr(rt, self.slot, resource)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    options: GatewayOptions
    ns: Namespace = field(init=False)
    schema: str = field(init=False)
    cache: DetailCache | None = field(init=False)
    # Wakes SSE streams when the projections commit (realtime.py); fed by the waiter.
    hub: Hub = field(init=False)
    _pool: asyncpg.Pool | None = None
    _nc: Client | None = None
    _waiter: PositionWaiter | None = None
    _queries: ProjectQueries | None = None
    _dispatcher: Dispatcher | None = None

    pool = Opened[asyncpg.Pool]("database pool")
    nc = Opened[Client]("NATS connection")
    waiter = Opened[PositionWaiter]("position waiter")
    queries = Opened[ProjectQueries]("project queries")
    # Its writes wait on the waiter (read-your-writes).
    dispatcher = Opened[Dispatcher]("command dispatcher")

    def __post_init__(self) -> None:
        self.ns = Namespace(self.settings.namespace)
        self.schema = self.settings.schema_for("gateway")
        self.cache = DetailCache() if self.options.detail_cache else None
        self.hub = Hub()


def runtime_of(state: State) -> Runtime:
    runtime = state["runtime"]
    if not isinstance(runtime, Runtime):
        raise RuntimeError("app state holds no gateway Runtime")
    return runtime

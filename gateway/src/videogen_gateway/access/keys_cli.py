"""`python -m videogen_gateway keys create|list|revoke`: API keys from a shell.

It runs with the gateway's environment (Settings.from_env): it sends the commands to the
project service over NATS, as the admin endpoints do (key_admin.py), and reads the
`api_keys` read model from PostgreSQL. `create` prints the key once, alone on stdout (so
`KEY=$(... keys create --user alice)` works), with what it made on stderr; `--json` prints
the whole answer instead. Exit status: 0 done, 1 refused or not reachable, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import msgspec
from nats.errors import Error as NatsError
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.identity import SCOPES
from videogen_eventstore.pool import create_pool
from videogen_runtime.settings import Settings

from videogen_gateway.access.key_admin import create_key, revoke_key
from videogen_gateway.command_client import CommandRefused, Dispatcher
from videogen_gateway.positions import PositionWaiter
from videogen_gateway.readmodels.api_keys.queries import ApiKeyQueries
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.runtime import GatewayOptions, Runtime


def parser() -> argparse.ArgumentParser:
    keys = argparse.ArgumentParser(prog="python -m videogen_gateway keys",
                                   description="Create, list and revoke the gateway's API keys.")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key for a user (shown only once)")
    create.add_argument("--user", required=True, help="the user the key authenticates as")
    create.add_argument("--name", default="", help="what the key is for (shown in lists)")
    create.add_argument("--scope", action="append", choices=SCOPES, dest="scopes",
                        help="a scope of the key, repeatable (default: read and write)")
    create.add_argument("--json", action="store_true", help="print the answer as JSON")
    listing = actions.add_parser("list", help="list keys (never their hashes)")
    listing.add_argument("--user", help="only this user's keys")
    listing.add_argument("--json", action="store_true", help="print the keys as JSON")
    revoke = actions.add_parser("revoke", help="revoke a key (again: no error)")
    revoke.add_argument("key_id")
    revoke.add_argument("--json", action="store_true", help="print the answer as JSON")
    return keys


@dataclass(frozen=True, slots=True)
class Deployment:
    dispatcher: Dispatcher
    keys: ApiKeyQueries


@asynccontextmanager
async def deployment(settings: Settings) -> AsyncIterator[Deployment]:
    """The gateway's database and NATS, opened as the gateway opens them (lifespan.py)."""
    rt = Runtime(settings, GatewayOptions.from_env())
    pool: asyncpg.Pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        # The table must exist to be read, even before a gateway ever started.
        await migrate_gateway(pool, rt.schema)
        # A few attempts, not the services' forever: a shell is waiting.
        nc = await connect(settings.nats_url, "gateway-keys", max_reconnect_attempts=3)
        o = rt.options
        dispatcher = Dispatcher(nc, rt.ns, PositionWaiter(pool, rt.schema),
                                resend_for=o.resend_for, attempt_timeout=o.attempt_timeout,
                                visible_within=o.visible_within)
        try:
            yield Deployment(dispatcher, ApiKeyQueries(pool, rt.schema))
        finally:
            await drain(nc)
    finally:
        await pool.close()


def _say(line: str) -> None:
    print(line, file=sys.stderr)


async def _create(d: Deployment, args: argparse.Namespace) -> int:
    created = await create_key(d.dispatcher, args.user, args.name, args.scopes)
    if args.json:
        print(msgspec.json.encode(created).decode())
    else:
        print(created.key)
        _say(f"created key {created.key_id} for {created.user} (scopes: "
             f"{' '.join(created.scopes)}); the key above is shown only this once")
    if await d.keys.get_key(created.key_id) is None:
        _say("the gateway's read model does not show the key yet: is a gateway running?")
    return 0


async def _list(d: Deployment, args: argparse.Namespace) -> int:
    shown = await d.keys.list_keys(args.user)
    if args.json:
        print(msgspec.json.encode(shown).decode())
        return 0
    for key in shown:
        state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "active"
        print(f"{key.key_id}  {key.user}  {','.join(key.scopes)}  "
              f"{key.created_at.isoformat()}  {state}  {key.name}")
    return 0


async def _revoke(d: Deployment, args: argparse.Namespace) -> int:
    await revoke_key(d.dispatcher, args.key_id)
    print(msgspec.json.encode({"key_id": args.key_id, "revoked": True}).decode()
          if args.json else f"revoked {args.key_id}")
    return 0


_ACTIONS = {"create": _create, "list": _list, "revoke": _revoke}


async def run_keys(argv: Sequence[str], settings: Settings) -> int:
    """Run one `keys` action; its exit status."""
    args = parser().parse_args(argv)
    try:
        async with deployment(settings) as d:
            return await _ACTIONS[args.action](d, args)
    except CommandRefused as refused:
        _say(f"refused: {refused.rejection.message}")
    except ServiceUnavailable as error:
        _say(f"the {error.service} service did not answer: {error.reason}")
    except (OSError, asyncpg.PostgresError, NatsError) as error:
        _say(f"cannot reach the deployment: {error}")
    return 1

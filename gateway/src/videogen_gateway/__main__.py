"""`python -m videogen_gateway` serves the gateway; `... rebuild` rebuilds its read models."""

from __future__ import annotations

import argparse
import asyncio
import gc

from videogen_runtime.logs import configure_logging
from videogen_runtime.settings import Settings

from videogen_gateway.access.authn_options import AuthOptions
from videogen_gateway.access.bind_check import refuse_unsafe_bind
from videogen_gateway.access.keys_cli import run_keys
from videogen_gateway.app import create_app
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_gateway.serving import serve


def tune_gc() -> None:
    """Collect garbage less often, and never rescan what exists at start.

    The gateway holds many long-lived objects (the app, its routes, and with SSE a thousand
    open connections with their tasks). CPython's default thresholds rescan them all every
    few hundred allocations, and a full collection then pauses every stream at once: with
    1,000 clients on one job that was the p99 of a message's delivery (88 ms; 34 ms with
    this, tests/bench/bench_sse.py).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m videogen_gateway")
    parser.add_argument(
        "command", nargs="?", default="serve", choices=("serve", "rebuild", "keys"),
        help="serve (default): run the HTTP gateway; rebuild: replay the logs into the"
        " read models, then exit (stop the gateway first); keys: create, list and revoke"
        " API keys (keys --help)",
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.arguments and args.command != "keys":
        parser.error(f"unrecognized arguments: {' '.join(args.arguments)}")
    settings = Settings.from_env()
    configure_logging("gateway", settings.log_level)
    if args.command == "keys":
        raise SystemExit(asyncio.run(run_keys(args.arguments, settings)))
    if args.command == "rebuild":
        asyncio.run(rebuild(settings))
        return
    refuse_unsafe_bind(settings.host, AuthOptions.from_env())
    app = create_app(settings)
    tune_gc()
    serve(app, settings.host, settings.port)


if __name__ == "__main__":
    main()

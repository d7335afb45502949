"""`python -m export_service`: serve export commands and render until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from videogen_runtime.lifecycle import run_until_signalled
from videogen_runtime.logs import configure_logging
from videogen_runtime.settings import Settings

from export_service.bootstrap import start_export_service


def main() -> None:
    settings = Settings.from_env()
    configure_logging("export", settings.log_level)

    async def start(stack: AsyncExitStack, stop: asyncio.Event) -> None:
        await start_export_service(settings, stack)

    asyncio.run(run_until_signalled(start))


if __name__ == "__main__":
    main()

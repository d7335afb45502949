"""`python -m script_service`: serve script commands until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from videogen_runtime.lifecycle import run_until_signalled
from videogen_runtime.logs import configure_logging
from videogen_runtime.settings import Settings

from script_service.bootstrap import start_script_service


def main() -> None:
    settings = Settings.from_env()
    configure_logging("script", settings.log_level)

    async def start(stack: AsyncExitStack, stop: asyncio.Event) -> None:
        await start_script_service(settings, stack)

    asyncio.run(run_until_signalled(start))


if __name__ == "__main__":
    main()

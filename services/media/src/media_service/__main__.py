"""`python -m media_service`: serve media commands and prepare media until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from videogen_runtime.lifecycle import run_until_signalled
from videogen_runtime.logs import configure_logging
from videogen_runtime.settings import Settings

from media_service.bootstrap import start_media_service


def main() -> None:
    settings = Settings.from_env()
    configure_logging("media", settings.log_level)

    async def start(stack: AsyncExitStack, stop: asyncio.Event) -> None:
        await start_media_service(settings, stack)

    asyncio.run(run_until_signalled(start))


if __name__ == "__main__":
    main()

"""What the browser tests stand on: one stack and one headless Chromium for the package.

- `stack`: tests/e2e/conftest.py's shared stack, default settings: the studio pages are
  served by its gateway at `/`, loopback needs no key; the tests find their own jobs and
  projects by id, so what other files made on it does not matter.
- `browser`: Debian's `chromium` driven by Playwright through `executable_path`; Playwright's
  own browser download cannot work offline, so it is never used (Playwright itself is a
  locked dev dependency). No chromium: every test here skips and says why. A chromium
  that is there but will not start fails: that is a broken set-up, not a missing one.
- `page`: a fresh context (own storage, downloads accepted) and page per test, watched by
  `studio.Watch` (stage/progress/detail history, console errors); `studio.shoot` saves
  screenshots to `artifacts/`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright
from videogen_local.stack import Stack

from tests.e2e.browser.studio import Studio

# As root (CI, containers) Chromium refuses its sandbox; the pages we load are our own.
CHROMIUM_ARGS = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    """VIDEOGEN_CHROMIUM if set (a path), else Debian's `chromium` on PATH or in /usr/bin."""
    chosen = os.environ.get("VIDEOGEN_CHROMIUM")
    candidates = [chosen] if chosen else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("VIDEOGEN_CHROMIUM") or "PATH or /usr/bin"
        pytest.skip(f"no chromium in {where}: install Debian's `chromium` package (make "
                    "setup does) or set VIDEOGEN_CHROMIUM to its path")
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, stack: Stack) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=stack.base_url, accept_downloads=True,
                                        viewport=VIEWPORT)
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()



@pytest.fixture
async def studio(page: Page) -> Studio:
    return await Studio.open(page)

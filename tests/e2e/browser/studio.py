"""The studio page as the browser tests see it: the DOM contract of CLIENTS.md section 3, a
watch over what the page showed, and checks on it.

What a page showed for a moment (a stage that was active for 300 ms, the progress bar's
every value) is gone by the time a test could look, so `WATCH_JS` runs in every document
before the studio's own scripts (an init script, again after each reload) and records
each change a MutationObserver sees into `window.__watch`. The page's own record of the SSE
messages it handled is `window.videogenFeed` (the contract).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import ConsoleMessage, Page, Response, expect

ARTIFACTS = Path(__file__).parent / "artifacts"
ALERT = "[role=alert][data-testid=error]"
# The job page's stage list, in the order a production passes them (contract).
STAGES = ["scripting", "narrating", "choosing_visuals", "rendering", "completed"]
# Every stage the SSE feed may report, in order (CLIENTS.md section 1).
FEED_STAGES = ["queued", "scripting", "narrating", "captioning", "choosing_visuals",
               "rendering", "completed"]
STATE_RANK = {"pending": 0, "active": 1, "done": 2}
TERMINAL = {"completed", "failed", "cancelled"}

WATCH_JS = """
(() => {
  const w = window.__watch = {stages: [], progress: [], details: []};
  const push = (list, value) => { if (list[list.length - 1] !== value) list.push(value); };
  const look = () => {
    const items = document.querySelectorAll('[data-testid=stages] li[data-stage]');
    if (items.length) {
      push(w.stages, [...items].map(li => li.dataset.stage + '=' + li.dataset.state).join(' '));
    }
    const bar = document.querySelector('progress[data-testid=job-progress]');
    if (bar) push(w.progress, Number(bar.value));
    const detail = document.querySelector('[data-testid=stage-detail]');
    if (detail && detail.textContent.trim()) push(w.details, detail.textContent.trim());
  };
  new MutationObserver(look).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
})();
"""


@dataclass
class Studio:
    """One page of the studio, with everything it did recorded for the checks."""

    page: Page
    errors: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    @classmethod
    async def open(cls, page: Page) -> Studio:
        studio = cls(page)
        await page.add_init_script(WATCH_JS)
        page.on("pageerror", lambda error: studio.errors.append(f"uncaught: {error}"))
        page.on("console", studio._console)
        page.on("response", lambda response: studio.responses.append(response))
        return studio

    def _console(self, message: ConsoleMessage) -> None:
        # A CSP violation is only a console error: the pages must not need anything the
        # policy forbids (inline scripts or styles, another origin).
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"csp: {message.text}")

    async def goto(self, route: str) -> None:
        await self.page.goto("/" + route)

    async def feed(self) -> list[dict[str, Any]]:
        """The SSE messages the page handled (those with an id), ids as ints."""
        raw: list[dict[str, Any]] = await self.page.evaluate("window.videogenFeed || []")
        return [dict(m, id=int(m["id"])) for m in raw if m.get("id") not in (None, "")]

    async def watched(self) -> dict[str, list[Any]]:
        seen: dict[str, list[Any]] = await self.page.evaluate("window.__watch")
        return seen

    async def wait_for_feed(self, predicate_js: str, timeout_s: float = 120) -> None:
        """Until some message `m` of the page's feed makes `predicate_js` true."""
        await self.page.wait_for_function(
            f"() => (window.videogenFeed || []).some(m => {predicate_js})",
            timeout=timeout_s * 1000,
        )

    async def shoot(self, name: str) -> Path:
        """A screenshot of the page as it is now, kept as a test artefact (gitignored)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def assert_clean(self, *, error_shown: bool = False) -> None:
        """No uncaught exception, no CSP violation, and (unless the test made one) no error
        shown: an alert box visible with nothing wrong, or empty, is a fault of its own."""
        assert not self.errors, self.errors
        if not error_shown:
            await expect(self.page.locator(ALERT)).to_be_hidden()


def job_id_of(url: str) -> str:
    found = re.search(r"#/jobs/([0-9a-f-]{36})$", url)
    assert found, f"not a job page: {url}"
    return found.group(1)


def assert_gapless(ids: list[int]) -> None:
    assert ids, "the page handled no SSE message"
    assert ids == list(range(ids[0], ids[0] + len(ids))), f"ids with a gap or repeat: {ids}"


def assert_feed_in_order(feed: list[dict[str, Any]]) -> None:
    """Progress never goes back, stages only move forward (in FEED_STAGES' order)."""
    progress = [m["progress"] for m in feed if m.get("progress") is not None]
    assert progress == sorted(progress), f"progress went back: {progress}"
    ranks = [FEED_STAGES.index(m["stage"]) for m in feed if m.get("stage") in FEED_STAGES]
    assert ranks == sorted(ranks), f"stages out of order: {[m.get('stage') for m in feed]}"


def parse_stages(snapshot: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in snapshot.split())


def assert_stage_list(snapshots: list[str]) -> None:
    """Every state the stage list showed is done… active? pending… in STAGES' order, and no
    stage ever moves back (done → active, active → pending)."""
    previous: dict[str, int] = {}
    for snapshot in snapshots:
        states = parse_stages(snapshot)
        assert list(states) == STAGES, snapshot
        ranks = [STATE_RANK[states[stage]] for stage in STAGES]
        assert ranks == sorted(ranks, reverse=True), f"a later stage is ahead: {snapshot}"
        assert ranks.count(1) <= 1, f"two active stages: {snapshot}"
        for stage, rank in zip(STAGES, ranks, strict=True):
            assert rank >= previous.get(stage, 0), f"{stage} went back: {snapshots}"
            previous[stage] = rank

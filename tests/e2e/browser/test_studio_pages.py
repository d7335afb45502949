"""The studio's other pages in a real browser: an API error reaches the person, by keyboard
alone (flow 4), the settings page says when the offline writer is in use, and the editor
page uploads a clip and shows a frame under the timeline's cursor (flow 5, web-b's DOM).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from videogen_local.stack import Stack

from tests.e2e.browser.studio import Studio
from tests.e2e.editor.conftest import make_clip

NO_TEXT = "No text provided in request body"  # doc 004's error for an empty text
MAX_TABS = 40
CLIP_SECONDS = 3.0


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("browser-clip") / "clip.mp4", CLIP_SECONDS)


async def tab_to(page: Page, selector: str) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would reach it."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


async def assert_focus_visible(page: Page) -> None:
    outline = await page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return [el.matches(':focus-visible'), style.outlineStyle, style.outlineWidth];
    }""")
    focused, style, width = outline
    assert focused, outline
    assert style != "none", outline
    assert width != "0px", outline


async def test_api_errors_are_shown_and_the_form_works_by_keyboard(studio: Studio) -> None:
    page = studio.page
    await studio.goto("#/new")
    form = "form[data-testid=new-video]"
    await tab_to(page, f"{form} textarea[name=text]")
    await page.keyboard.type("   ")  # not empty to the browser, no text to the API
    await tab_to(page, f"{form} button[type=submit]")
    await assert_focus_visible(page)
    await page.keyboard.press("Enter")
    alert = page.locator("[role=alert][data-testid=error]")
    await expect(alert).to_contain_text(NO_TEXT)
    assert "#/new" in page.url, "a refused job must not leave the form"
    await studio.shoot("error-new-video")

    await studio.goto(f"#/jobs/{uuid.uuid4()}")
    await expect(alert).to_contain_text("Job not found")
    await studio.shoot("error-job")
    await studio.assert_clean(error_shown=True)


async def test_settings_say_when_the_offline_writer_is_used(studio: Studio) -> None:
    page = studio.page
    await studio.goto("#/")
    await page.locator("nav a[href='#/settings']").click()
    settings = page.locator("form[data-testid=settings]")
    await expect(settings).to_be_visible()
    # The test stack has no provider keys: the offline script writer is in use.
    await expect(page.locator("[data-testid=offline-writer]")).to_be_visible()
    for key in await settings.locator("input[type=password]").all():
        assert await key.input_value() == "", "a stored key was sent back to the page"
    await studio.shoot("settings")
    await studio.assert_clean()


async def test_the_editor_uploads_a_clip_and_previews_a_frame(
    studio: Studio, api: httpx.AsyncClient, clip: Path
) -> None:
    made = await api.post("/api/project", json={"name": "browser e2e"})
    assert made.status_code in (200, 201), made.text
    project_id = made.json()["id"]
    page = studio.page

    await studio.goto(f"#/editor/{project_id}")
    await expect(page.locator("[data-testid=editor]")).to_be_visible()
    await page.locator("input[type=file][data-testid=upload]").set_input_files(clip)
    segment = page.locator("[data-testid=timeline] [data-testid=segment][data-segment-id]")
    await expect(segment).to_have_count(1, timeout=60_000)
    stored = (await api.get(f"/api/project/{project_id}")).json()
    assert stored["assets"], stored

    # A press halfway along the timeline seeks there: the frame preview shows that frame.
    preview = page.locator("[data-testid=frame-preview]")
    timeline = page.locator("[data-testid=timeline]")
    box = await timeline.bounding_box()
    assert box, "the timeline is not laid out"
    await timeline.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    await page.wait_for_function(
        "([el, mid]) => Math.abs(Number(el.dataset.ts) - mid) < 0.2",
        arg=[await preview.element_handle(), CLIP_SECONDS / 2], timeout=30_000)
    image = preview.locator("img")
    await expect(image).to_be_visible()
    await page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                                 arg=await image.element_handle(), timeout=30_000)
    images = [r for r in studio.responses
              if r.ok and (await r.header_value("content-type") or "").startswith("image/")]
    assert images, "no frame image came from the API"
    await studio.shoot("editor")
    await studio.assert_clean()

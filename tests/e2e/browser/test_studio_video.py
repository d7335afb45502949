"""Text → video in a real browser, as a person does it at `/` (issue 14, CLIENTS.md §4).

One job proves flows 1 and 2 together, since each job costs seconds: the text is pasted and
Created on `#/new`; the job page is reloaded mid-job (its SSE feed must carry on without a
gap, the progress bar never going back); its stage list, bar and stage detail pass the
stages in order; the finished `<video>` plays, seeks with a 206 Range answer, and the
download link gives the file the API serves, which decodes. The second test opens a
rendered studio project's script from its render's page, edits a sentence, sees it (and only
it) marked stale, re-renders from the page and gets the new video, after which nothing is
stale.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import expect
from videogen_local.stack import Stack

from tests.e2e.browser.studio import (
    STAGES,
    Studio,
    assert_feed_in_order,
    assert_gapless,
    assert_stage_list,
    job_id_of,
    parse_stages,
)
from tests.e2e.text2video_client import Job, decode, poll

pytestmark = pytest.mark.slow

# Twelve sentences: narration and render each last a few seconds, long enough to reload
# the page in the middle of the job.
TEXT = (
    "The ocean covers most of our planet. Deep below the waves, strange creatures glow. "
    "Scientists have explored only a small part of it. Whales sing songs that travel for "
    "miles. Coral reefs shelter a quarter of all fish. Tides follow the pull of the moon. "
    "Storms stir the water and feed the plankton. Octopuses change colour in an instant. "
    "Sunlight fades within two hundred metres. The deepest trench is eleven kilometres "
    "down. Pressure there would crush a car. Yet life thrives even at the bottom."
)
SENTENCES = 12
TOPIC = "How lighthouses guide ships"
EDITED = "Its lamp turns all night, and sailors count the flashes to know where they are."
VOICE = "joe-us"
ASPECT = "16:9"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def create_video(studio: Studio, text: str) -> str:
    """Fill in and submit the new-video form; returns the job id the page went to."""
    page = studio.page
    await studio.goto("#/new")
    form = page.locator("form[data-testid=new-video]")
    await expect(form.locator(f"select[name=voice] option[value='{VOICE}']")).to_have_count(1)
    await form.locator("textarea[name=text]").fill(text)
    await form.locator("select[name=aspect]").select_option(ASPECT)
    await form.locator("select[name=voice]").select_option(VOICE)
    await studio.shoot("new-video")
    await form.locator("button[type=submit]", has_text="Create").click()
    await page.wait_for_url(re.compile(r"#/jobs/[0-9a-f-]{36}$"))
    return job_id_of(page.url)


async def wait_completed(studio: Studio, job_id: str) -> list[dict[str, Any]]:
    await studio.wait_for_feed("m.event === 'completed' || m.event === 'failed'")
    job = studio.page.locator(f"[data-testid=job][data-job-id='{job_id}']")
    await expect(job.locator("[data-testid=job-status]")).to_contain_text(
        re.compile("completed", re.I))
    feed = await studio.feed()
    assert feed[-1]["event"] == "completed", feed[-1]
    return feed


async def play_and_seek(studio: Studio, job_id: str) -> float:
    """The player plays (currentTime advances) and seeks (`seeked` fires where asked);
    the media came with a 206 answer to a Range request. Returns the video's duration."""
    player = studio.page.locator("video[data-testid=player]")
    await expect(player).to_be_visible()
    started, later, duration = await player.evaluate("""async (v) => {
        v.muted = true;
        await v.play();
        const t0 = v.currentTime;
        await new Promise(r => setTimeout(r, 800));
        v.pause();
        return [t0, v.currentTime, v.duration];
    }""")
    assert later > started + 0.2, f"the video did not play: {started} → {later}"
    target = round(duration * 0.6, 2)
    landed = await player.evaluate("""(v, t) => new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('no seeked event')), 10000);
        v.addEventListener('seeked', () => resolve(v.currentTime), {once: true});
        v.currentTime = t;
    })""", target)
    assert abs(landed - target) < 0.1, (landed, target)
    ranged = [r for r in studio.responses
              if job_id in r.url and "/download/" in r.url and r.request.method == "GET"]
    asked = [(await r.request.header_value("range"), r.status,
              await r.header_value("content-range")) for r in ranged]
    assert any(range_ for range_, _, _ in asked), f"no Range request for the video: {asked}"
    for range_, status, content_range in asked:
        if range_:
            assert status == 206, asked
            assert re.fullmatch(r"bytes \d+-\d+/\d+", content_range or ""), asked
    return float(duration)


async def download_matches_api(studio: Studio, api: httpx.AsyncClient, job_id: str) -> bytes:
    """The download link saves exactly the bytes the API serves, and they decode."""
    async with studio.page.expect_download() as started:
        await studio.page.locator("a[data-testid=download]").click()
    saved = await (await started.value).path()
    data = saved.read_bytes()
    served = await api.get(f"/download/{job_id}")
    assert served.status_code == 200, served.text
    assert hashlib.sha256(data).digest() == hashlib.sha256(served.content).digest()
    return data


async def test_text_becomes_a_video_that_plays_seeks_and_downloads_across_a_reload(
    studio: Studio, api: httpx.AsyncClient
) -> None:
    page = studio.page
    job_id = await create_video(studio, TEXT)

    # Mid-job (narration has begun, nothing has ended): reload.
    await studio.wait_for_feed("m.stage === 'narrating' || m.stage === 'rendering'")
    before = await studio.feed()
    watched_before = await studio.watched()
    assert not {m["event"] for m in before} & {"completed", "failed"}, before
    assert_gapless([m["id"] for m in before])
    await page.reload()

    after = await wait_completed(studio, job_id)
    watched_after = await studio.watched()
    ids = [m["id"] for m in after]
    assert_gapless(ids)
    assert ids[0] <= before[0]["id"], "the reload did not start from the stream's replay"
    assert ids[-1] > before[-1]["id"], "nothing came after the reload"
    # The same messages again (the page's stage/progress beside each may be ahead: after a
    # reload it paints the current state before the replay arrives).
    replayed = {m["id"]: m["event"] for m in after}
    assert all(replayed[m["id"]] == m["event"] for m in before), (before, after)
    assert_feed_in_order(after)
    reached = [m["stage"] for m in before + after]
    assert {"narrating", "rendering", "completed"} <= set(reached), reached

    # The bar never went back on either page, and not across the reload once the replay
    # was rendered ("renders the current state at once").
    for bar in (watched_before["progress"], watched_after["progress"]):
        assert bar == sorted(bar), f"the progress bar went back: {bar}"
    assert watched_after["progress"][-1] == 100
    assert watched_after["progress"][-1] >= watched_before["progress"][-1]
    await expect(page.locator("progress[data-testid=job-progress]")).to_have_attribute(
        "value", "100")
    for snapshots in (watched_before["stages"], watched_after["stages"]):
        assert_stage_list(snapshots)
    final = parse_stages(watched_after["stages"][-1])
    assert all(final[s] == "done" for s in STAGES[:-1]), final
    shown = watched_before["stages"] + watched_after["stages"]
    for stage in ("narrating", "rendering"):
        assert any(parse_stages(s)[stage] == "active" for s in shown), (stage, shown)
    details = watched_before["details"] + watched_after["details"]
    assert any(re.search(rf"narration \d+/{SENTENCES}\b", d, re.I) for d in details), details
    assert any(re.search(r"rendering \d+%", d, re.I) for d in details), details

    duration = await play_and_seek(studio, job_id)
    await studio.shoot("job")
    video = decode(await download_matches_api(studio, api, job_id))
    assert (video.width, video.height, video.video_codec) == (1280, 720, "h264")
    assert abs(video.duration_s - duration) < 0.5, (video.duration_s, duration)

    await page.locator("nav a[href='#/']").click()
    row = page.locator(f"[data-testid=jobs] [data-testid=job-row][data-job-id='{job_id}']")
    await expect(row).to_have_attribute("data-state", "completed")
    # Its project, openable in the script editor (the editor surface lists it too).
    await expect(page.locator(
        f"[data-testid=projects] [data-testid=project-row][data-project-id='{job_id}'] "
        f"a[href='#/projects/{job_id}']"
    )).to_have_count(1)
    await studio.shoot("home")
    await studio.assert_clean()


async def first_render(api: httpx.AsyncClient) -> tuple[str, str]:
    """A studio project with a script (the offline writer's, quick) rendered once through
    the API: (project id, render job id). A text2video job's own project cannot be used:
    its sentences are not in the script service (PUT answers 404, see the hand-back)."""
    made = await api.post("/projects", json={"topic": TOPIC, "targetDuration": 0.3})
    assert made.status_code == 201, made.text
    project_id = made.json()["id"]
    written = await api.post(f"/projects/{project_id}/quick-generate",
                             json={"targetDuration": 0.3})
    assert written.status_code == 201, written.text
    started = await api.post(f"/projects/{project_id}/render", json={})
    assert started.status_code == 202, started.text
    job = await poll(api, Job(started.json()["jobId"]))
    assert job.last["status"] == "completed", job.last
    return project_id, job.id


async def test_an_edited_sentence_is_marked_stale_and_the_re_render_makes_a_new_video(
    studio: Studio, api: httpx.AsyncClient
) -> None:
    project_id, first_id = await first_render(api)
    first = (await api.get(f"/download/{first_id}")).content
    page = studio.page

    # A render's page leads to its project's script (the project is not the job here).
    await studio.goto(f"#/jobs/{first_id}")
    await page.locator("a[data-testid=open-script]").click()
    await page.wait_for_url(re.compile(rf"#/projects/{project_id}$"))
    sentences = page.locator("[data-testid=section] [data-testid=sentence]")
    await expect(sentences.first).to_be_visible()
    count = await sentences.count()
    assert count >= 3, count
    await expect(page.locator("[data-testid=sentence][data-stale=false]")).to_have_count(count)

    edited = sentences.nth(1)
    sentence_id = await edited.get_attribute("data-sentence-id")
    await edited.locator("textarea").fill(EDITED)
    await edited.locator("button[data-testid=save-sentence]").click()
    stale = page.locator("[data-testid=sentence][data-stale=true]")
    await expect(stale).to_have_count(1)
    await expect(stale).to_have_attribute("data-sentence-id", sentence_id or "")
    script = (await api.get(f"/projects/{project_id}")).json()
    texts = {n["id"]: n["text"] for s in script["sections"] for n in s["sentences"]}
    assert texts[sentence_id] == EDITED, texts
    await studio.shoot("script-editor")

    await page.locator("button[data-testid=rerender]").click()
    await page.wait_for_url(re.compile(r"#/jobs/[0-9a-f-]{36}$"))
    render_id = job_id_of(page.url)
    assert render_id != first_id
    assert_feed_in_order(await wait_completed(studio, render_id))
    await play_and_seek(studio, render_id)
    rendered = await download_matches_api(studio, api, render_id)
    assert rendered != first
    decode(rendered)
    await studio.shoot("re-rendered")

    await studio.goto(f"#/projects/{project_id}")
    await expect(sentences).to_have_count(count)
    await expect(page.locator("[data-testid=sentence][data-stale=true]")).to_have_count(0)
    await studio.assert_clean()

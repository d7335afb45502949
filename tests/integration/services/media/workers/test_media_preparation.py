"""prepare_media end to end in-process: real PostgreSQL, NATS, Piper TTS, PyAV and ffmpeg.

Checks what the renderer and the user get: a WAV per sentence whose recorded duration is
the one PyAV measures, an .ass and an .srt whose cues lie inside their sentence's
narration window (its scene's start to the end of its speech), one designed visual per
sentence, and captions that ffmpeg's libass burns in without error even for mixed
scripts (CJK, Arabic, emoji). The pipelined picture itself: test_pipelined_preparation.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import av
import imageio_ffmpeg
import pytest
from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.workers.ports import StageFailed
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    SERVICE,
    CaptionsCompleted,
    MediaEvent,
    MediaPreparationFailed,
    NarrationCompleted,
    SentenceNarrated,
    SentenceText,
    VisualsChosen,
    VoiceSettings,
)
from videogen_contracts.replies import CommandRejected
from videogen_media.fonts import find_caption_font
from videogen_media.render import scene_frames
from videogen_runtime.settings import Settings

from tests.integration.services.media.workers.preparation_runs import only, run_preparation

pytestmark = pytest.mark.slow


TEXTS = [
    "Volcanoes build new land where the ocean floor splits apart.",
    "Dr. Lee measured the lava at 1,150 degrees, e.g. near the vent.",
    "When it cools, the glowing rock turns into black stone.",
]
MIXED = [
    "我们去北京看长城。",
    "مرحبا بالعالم، this is a mixed sentence 😀👍🏽.",
]


@pytest.fixture(scope="module")
async def media(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MediaService]:
    world = "m" + uuid.uuid4().hex[:10]
    data_dir = tmp_path_factory.mktemp("media-data")
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world, data_dir=data_dir)
    config = MediaConfig(concurrency=2, ack_wait=10.0, tts_parallelism=2)
    async with AsyncExitStack() as stack:
        yield await start_media_service(settings, stack, config=config)


@pytest.fixture(scope="module")
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "media-preparation-test")
    yield client
    await drain(client)


async def prepare(media: MediaService, nc: Client, texts: list[str]) -> list[MediaEvent]:
    command = PrepareMedia(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        sentences=[SentenceText(sentence_id=uuid.uuid4(), text=t) for t in texts],
    )
    return decode_events(await run_preparation(media, nc, command, timeout_s=60))


def probed_duration(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.duration is not None
        assert stream.time_base is not None
        return float(stream.duration * stream.time_base)


SRT_TIME = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)")


def srt_cues(text: str) -> list[tuple[float, float]]:
    cues = []
    for match in SRT_TIME.finditer(text):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000))
    return cues


def burn_in(ass: Path, seconds: float) -> subprocess.CompletedProcess[str]:
    """Render the captions over a plain source with ffmpeg's libass, as the export does."""
    font_dir = find_caption_font().path.parent
    graph = f"subtitles=filename='{ass}':fontsdir='{font_dir}'"
    return subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-v", "error",
            "-f", "lavfi", "-i", f"color=c=black:s=1280x720:r=10:d={seconds:.2f}",
            "-vf", graph, "-f", "null", "-",
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )


async def test_three_sentences_are_narrated_captioned_and_given_visuals(
    media: MediaService, nc: Client
) -> None:
    events = await prepare(media, nc, TEXTS)
    narration = only(events, NarrationCompleted)
    sentence_ids = [i.sentence_id for i in narration.items]
    assert len(narration.items) == 3
    assert sum(isinstance(e, SentenceNarrated) for e in events) == 3

    blobs = media.tools.blobs
    windows = {}
    # Each scene lasts its narration and the pause after it; its edges are rounded to
    # frames on the running total (30 fps), where the export lays each narration.
    lengths = [i.duration_s + float(i.pause_s or 0.0) for i in narration.items]
    edges = [e / 30 for e in itertools.accumulate([0, *scene_frames(lengths, 30)])]
    for item, start in zip(narration.items, edges, strict=False):
        path = blobs.path_of(item.key)
        assert path.is_file(), item.key
        assert item.duration_s == pytest.approx(probed_duration(path), abs=1e-3)
        assert item.duration_s > 1.0  # real speech, not a stub
        windows[item.sentence_id] = (start, start + item.duration_s)
    assert narration.total_duration_s == pytest.approx(sum(lengths), abs=1e-3)
    start = edges[-1]

    captions = only(events, CaptionsCompleted)
    assert blobs.path_of(captions.ass_key).is_file()
    srt = blobs.path_of(captions.srt_key).read_text(encoding="utf-8")
    assert len(srt_cues(srt)) == len(captions.cues)
    for cue, (srt_start, srt_end) in zip(captions.cues, srt_cues(srt), strict=True):
        low, high = windows[cue.sentence_id]
        assert low - 1e-3 <= cue.start_s < cue.end_s <= high + 1e-3, (cue, low, high)
        assert (srt_start, srt_end) == pytest.approx((cue.start_s, cue.end_s), abs=1e-3)
        assert cue.text.strip()
    assert {c.sentence_id for c in captions.cues} == set(sentence_ids)

    visuals = only(events, VisualsChosen)
    assert [v.sentence_id for v in visuals.visuals] == sentence_ids
    # Designed scenes (no Pexels key here): each visual's key is its still, stored.
    assert all(v.keywords and v.kind == "designed" and v.key for v in visuals.visuals)
    assert all(blobs.path_of(str(v.key)).is_file() for v in visuals.visuals)

    result = burn_in(blobs.path_of(captions.ass_key), start)
    assert result.returncode == 0, result.stderr


async def test_mixed_scripts_are_narrated_and_their_captions_render(
    media: MediaService, nc: Client
) -> None:
    events = await prepare(media, nc, MIXED)
    assert not any(isinstance(e, MediaPreparationFailed) for e in events), events[-1]
    captions = only(events, CaptionsCompleted)
    ass = media.tools.blobs.path_of(captions.ass_key)
    # Word-timed styles cut a line into word states: each character is there, in order
    # inside its event, not necessarily as one run.
    text = ass.read_text(encoding="utf-8")
    assert all(ch in text for ch in "我们去北京看长城")
    result = burn_in(ass, only(events, NarrationCompleted).total_duration_s)
    assert result.returncode == 0, result.stderr


async def test_a_sentence_with_nothing_speakable_is_refused(
    media: MediaService, nc: Client
) -> None:
    command = PrepareMedia(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        sentences=[
            SentenceText(sentence_id=uuid.uuid4(), text=t) for t in ("Fine words.", "... 😀 ???")
        ],
    )
    reply = await send_command(
        nc, media.plumbing.namespace, SERVICE, "prepare_media", command, correlation_id="it"
    )
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "sentences[1].text")


async def test_text_piper_cannot_voice_fails_the_narration(media: MediaService) -> None:
    """The worker's own check, behind the domain's: a TTS that produces nothing says so."""
    with pytest.raises(StageFailed, match="nothing speakable"):
        await media.tools.narrator.narrate("...", VoiceSettings(), "en", Path("/dev/null"))

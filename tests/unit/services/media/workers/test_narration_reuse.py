"""Narration reused by content: a second production of a project speaks only what changed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

from media_service.app.handlers import decode_events
from media_service.workers.narration_cache import KeyedLocks, narration_digest
from videogen_contracts.media.events import SentenceNarrated, SentenceText, VoiceSettings

from tests.unit.services.media.fakes import FakeNarrator

from .test_preparation_job import FIRST, TEXTS, World

VOICE = VoiceSettings()


async def narrated(world: World) -> list[SentenceNarrated]:
    events = decode_events(await world.recorded())
    return [e for e in events if isinstance(e, SentenceNarrated)]


async def render_again(
    world: World, texts: list[str] | None = None, voice: VoiceSettings | None = None
) -> list[SentenceNarrated]:
    """A new production of the same project, with the same sentence ids (edited or not)."""
    world.production_id = uuid4()
    if texts is not None:
        world.sentences = [
            SentenceText(sentence_id=s.sentence_id, text=t)
            for s, t in zip(world.sentences, texts, strict=True)
        ]
    await world.job(await world.request(voice), FIRST)
    return await narrated(world)


async def test_an_edited_sentence_is_the_only_one_spoken_again(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)
    first = {e.sentence_id: e for e in await narrated(world)}
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert not any(e.reused for e in first.values())

    edited = [TEXTS[0], "A second one, now longer than it was.", TEXTS[2]]
    world.narrator.spoken.clear()
    second = await render_again(world, edited)

    assert world.narrator.spoken == [edited[1]], "one TTS call: the changed sentence"
    by_id = {e.sentence_id: e for e in second}
    a, b, c = (s.sentence_id for s in world.sentences)
    assert [by_id[i].reused for i in (a, b, c)] == [True, False, True]
    assert by_id[a].key == first[a].key
    assert by_id[c].key == first[c].key
    assert by_id[b].key != first[b].key
    assert by_id[b].duration_s > first[b].duration_s  # the new audio, measured
    wavs = list((world.blobs.root / "narration").rglob("*.wav"))
    assert len(wavs) == 4, "three first, one for the edit"


async def test_an_unchanged_render_speaks_nothing(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)
    world.narrator.spoken.clear()
    again = await render_again(world)
    assert world.narrator.spoken == []
    assert all(e.reused for e in again)


async def test_another_voice_speaks_everything_again(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)
    world.narrator.spoken.clear()
    again = await render_again(world, voice=VoiceSettings(rate=1.25))
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert not any(e.reused for e in again)


async def test_another_speaker_with_the_same_settings_speaks_everything_again(
    tmp_path: Path,
) -> None:
    """The voice that speaks is in the key, not only the settings that chose it: with no
    voiceName, the language's voice speaks, and a newly installed one changes it."""
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)
    world.narrator.spoken.clear()
    world.narrator.name = "fake:another-voice"
    again = await render_again(world)
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert not any(e.reused for e in again)
    assert {e.synthesizer for e in again} == {"fake:another-voice"}


async def test_another_project_does_not_share_audio(tmp_path: Path) -> None:
    world = World(tmp_path)
    await world.job(await world.request(), FIRST)
    world.narrator.spoken.clear()
    world.project_id = uuid4()
    again = await render_again(world)
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert not any(e.reused for e in again)


async def test_a_line_said_twice_in_one_script_is_spoken_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.sentences = [SentenceText(sentence_id=uuid4(), text="Thank you.") for _ in range(3)]
    await world.job(await world.request(), FIRST)
    assert world.narrator.spoken == ["Thank you."]
    events = await narrated(world)
    assert sorted(e.reused for e in events) == [False, True, True]
    assert len({e.key for e in events}) == 1


def test_the_digest_follows_what_the_audio_depends_on() -> None:
    base = narration_digest("Hello there.", VOICE, "en", "piper:joe")
    assert narration_digest("  Hello there.\n", VOICE, "en", "piper:joe") == base
    # "é" precomposed and decomposed are one text.
    assert narration_digest("Caf\u00e9.", VOICE, "en", "x") == narration_digest(
        "Cafe\u0301.", VOICE, "en", "x"
    )
    different = [
        narration_digest("Hello there!", VOICE, "en", "piper:joe"),
        narration_digest("Hello there.", VoiceSettings(pitch=1.1), "en", "piper:joe"),
        narration_digest("Hello there.", VoiceSettings(pause_ms=200), "en", "piper:joe"),
        narration_digest("Hello there.", VoiceSettings(voice="amy"), "en", "piper:joe"),
        narration_digest("Hello there.", VOICE, "de", "piper:joe"),
        narration_digest("Hello there.", VOICE, "en", "piper:amy"),
    ]
    assert len({base, *different}) == 1 + len(different)


async def test_keyed_locks_serialise_one_key_and_forget_it_after() -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def hold(key: str, name: str, gate: asyncio.Event | None = None) -> None:
        async with locks.hold(key):
            order.append(f"{name}+")
            if gate is not None:
                await gate.wait()
            order.append(f"{name}-")

    gate = asyncio.Event()
    first = asyncio.create_task(hold("k", "a", gate))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("k", "b"))
    other = asyncio.create_task(hold("j", "c"))
    await asyncio.sleep(0.01)
    assert order == ["a+", "c+", "c-"], "b waits for a; another key does not"
    gate.set()
    await asyncio.gather(first, second, other)
    assert order[3:] == ["a-", "b+", "b-"]
    assert len(locks) == 0


async def test_a_failed_synthesis_leaves_the_key_free_for_the_next_try(tmp_path: Path) -> None:
    world = World(tmp_path, FakeNarrator(fail_on=TEXTS[1]))
    await world.job(await world.request(), FIRST)
    assert len(world.job._narrations) == 0, "no lock left held"
    assert not list((world.blobs.root / "narration").rglob("*.tmp*"))

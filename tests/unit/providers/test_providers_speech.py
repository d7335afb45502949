"""Speech adapters, each against the real thing or a local fake of its vendor's API.

Piper and espeak-ng run for real (espeak-ng only where it is installed); OpenAI's
`/v1/audio/speech` is a fake on 127.0.0.1 that answers as OpenAI does, streamed WAV
header included.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import signal
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from videogen_providers.tts.espeak import EspeakSynthesizer, espeak_path
from videogen_providers.tts.openai_speech import OpenAISpeechSynthesizer
from videogen_providers.tts.piper_synthesizer import PiperSynthesizer, TtsWorkerLost
from videogen_providers.tts.synthesizer import NothingToSpeak, VoiceOptions
from videogen_providers.tts.wav import wav_duration, wav_rms
from videogen_providers.vendor_errors import VendorAuthFailed, VendorUnavailable

from tests.unit.providers.vendor_fakes import FakeServer, Reply, Request, serve

SENTENCE = "The quick brown fox jumps over the lazy dog near the quiet river bank."


def _assert_speech(path: Path, seconds: float, low: float, high: float) -> None:
    assert seconds == pytest.approx(wav_duration(path))
    assert low < seconds < high
    assert wav_rms(path) > 0.02
    assert [p.name for p in path.parent.iterdir() if ".tmp-" in p.name] == []


async def test_piper_in_process_speaks_and_pauses(tmp_path: Path) -> None:
    piper = PiperSynthesizer()
    try:
        plain = await piper.synthesize(SENTENCE, tmp_path / "a.wav", VoiceOptions())
        _assert_speech(tmp_path / "a.wav", plain, 2.0, 8.0)
        paused = await piper.synthesize(SENTENCE, tmp_path / "b.wav", VoiceOptions(pause_ms=500))
        assert paused - plain == pytest.approx(0.5, abs=0.35)  # Piper varies a little per run
        fast = await piper.synthesize(SENTENCE, tmp_path / "c.wav", VoiceOptions(rate=1.5))
        assert fast < plain * 0.85
        with pytest.raises(NothingToSpeak):
            await piper.synthesize("!!! ...", tmp_path / "d.wav", VoiceOptions())
        assert not (tmp_path / "d.wav").exists()
    finally:
        await piper.aclose()


async def test_piper_pool_loads_once_per_worker_and_runs_in_parallel(tmp_path: Path) -> None:
    piper = PiperSynthesizer(workers=2)
    try:
        await piper.start()
        workers = {child.pid for child in multiprocessing.active_children()}
        assert len(workers) == 2
        assert os.getpid() not in workers
        items = [(f"Sentence number {i} is spoken here.", tmp_path / f"{i}.wav") for i in range(4)]
        results = await piper.synthesize_many(items, VoiceOptions())
        for (_text, path), (seconds, pid) in zip(items, results, strict=True):
            _assert_speech(path, seconds, 1.0, 6.0)
            assert pid in workers  # spoken in a worker process, never in the event loop's
    finally:
        await piper.aclose()


async def test_a_dead_worker_is_a_transient_failure_and_is_replaced(tmp_path: Path) -> None:
    piper = PiperSynthesizer(workers=1)
    try:
        [pid] = await piper.start()
        assert piper.name.startswith("piper:")  # the voice is part of the name
        os.kill(pid, signal.SIGKILL)  # killed for memory, say

        async def speak_until_lost() -> None:
            for _ in range(50):  # until the pool has noticed
                await piper.synthesize(SENTENCE, tmp_path / "lost.wav", VoiceOptions())

        with pytest.raises(TtsWorkerLost):
            await speak_until_lost()
        seconds = await piper.synthesize(SENTENCE, tmp_path / "again.wav", VoiceOptions())
        _assert_speech(tmp_path / "again.wav", seconds, 2.0, 8.0)
    finally:
        await piper.aclose()


@pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
async def test_espeak_fallback_speaks(tmp_path: Path) -> None:
    espeak = EspeakSynthesizer()
    seconds = await espeak.synthesize(SENTENCE, tmp_path / "e.wav", VoiceOptions(pause_ms=200))
    _assert_speech(tmp_path / "e.wav", seconds, 2.0, 10.0)
    faster = await espeak.synthesize(SENTENCE, tmp_path / "f.wav", VoiceOptions(rate=2.0))
    assert faster < seconds * 0.7
    with pytest.raises(NothingToSpeak):
        await espeak.synthesize("🙂 …", tmp_path / "g.wav", VoiceOptions())


def _streamed_tone(seconds: float, rate: int = 24_000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 220 * t) * 9000).astype("<i2")
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF" + b"\xff\xff\xff\xff" + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
        + b"data" + b"\xff\xff\xff\xff" + samples.tobytes()
    )  # fmt: skip


def _openai(request: Request) -> Reply:
    if request.method != "POST" or request.path != "/v1/audio/speech":
        return Reply.json({"error": {"message": "not found"}}, 404)
    if request.headers.get("Authorization") != "Bearer test-key":
        return Reply.json(
            {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}, 401
        )
    body = json.loads(request.body)
    if body["input"] == "server error please":
        return Reply.json({"error": {"message": "The server had an error"}}, 500)
    seconds = len(body["input"].split()) * 0.3 / body.get("speed", 1.0)
    return Reply(200, _streamed_tone(seconds), "audio/wav")


@pytest.fixture
def openai_server() -> Iterator[FakeServer]:
    with serve(_openai) as server:
        yield server


async def test_openai_speech_writes_a_measured_wav(
    openai_server: FakeServer, tmp_path: Path
) -> None:
    synth = OpenAISpeechSynthesizer("test-key", base_url=f"{openai_server.url}/v1", model="tts-1")
    try:
        options = VoiceOptions(voice="nova", pause_ms=100)
        seconds = await synth.synthesize("one two three four five", tmp_path / "o.wav", options)
    finally:
        await synth.aclose()
    assert seconds == pytest.approx(1.5 + 0.1, abs=0.01)
    _assert_speech(tmp_path / "o.wav", seconds, 1.0, 2.0)
    sent = json.loads(openai_server.requests[0].body)
    assert sent == {
        "model": "tts-1", "voice": "nova", "input": "one two three four five",
        "response_format": "wav", "speed": 1.0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("key", "text", "error", "status"),
    [
        ("wrong-key", "hello there", VendorAuthFailed, 401),
        ("test-key", "server error please", VendorUnavailable, 500),
    ],
)
async def test_openai_errors_are_typed(
    openai_server: FakeServer, tmp_path: Path, key: str, text: str,
    error: type[Exception], status: int,
) -> None:  # fmt: skip
    synth = OpenAISpeechSynthesizer(key, base_url=f"{openai_server.url}/v1")
    try:
        with pytest.raises(error) as caught:
            await synth.synthesize(text, tmp_path / "x.wav", VoiceOptions())
    finally:
        await synth.aclose()
    assert getattr(caught.value, "status", None) == status
    assert not (tmp_path / "x.wav").exists()


async def test_openai_down_is_unavailable(tmp_path: Path) -> None:
    with serve(_openai) as server:
        url = server.url
    synth = OpenAISpeechSynthesizer("test-key", base_url=f"{url}/v1", timeout=5)
    try:
        with pytest.raises(VendorUnavailable):
            await synth.synthesize("hello", tmp_path / "x.wav", VoiceOptions())
    finally:
        await synth.aclose()


async def test_piper_word_timings_come_back_from_the_worker(tmp_path: Path) -> None:
    """The alignments exist only in the worker process that spoke: they return with the
    audio's length, one per written word, in order, inside the audio; a pitch change
    (a resampling) keeps them on the audio, and a slower rate stretches them."""
    piper = PiperSynthesizer(workers=1)
    try:
        text = "Honeybees visit flowers, and 3 of the bees dance."
        plain = await piper.speak(text, tmp_path / "w.wav", VoiceOptions(pause_ms=300))
        slower = VoiceOptions(rate=0.6, pitch=1.3, pause_ms=300)
        slow = await piper.speak(text, tmp_path / "s.wav", slower)
    finally:
        await piper.aclose()
    for spoken, path in ((plain, tmp_path / "w.wav"), (slow, tmp_path / "s.wav")):
        assert spoken.words is not None
        assert [w.word for w in spoken.words] == text.split()
        assert all(a.start < a.end <= b.start for a, b in itertools.pairwise(spoken.words))
        assert spoken.words[-1].end <= wav_duration(path) - 0.25  # the pause is after it
    assert plain.words is not None
    assert slow.words is not None
    assert slow.words[-1].end > 1.4 * plain.words[-1].end

"""fanout.py: one read per message for every reader, replay from any position with nothing
missed nor repeated, a bounded copy, and a feed that closes with its last reader."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import msgspec
import pytest
from videogen_gateway.fanout import FanOut, LiveOptions, Reader

QUIET = LiveOptions(heartbeat=60, poll_live=60, poll_offline=60)


class Note(msgspec.Struct, frozen=True):
    id: int


class Log:
    """A source over a growing log, read in pages of four."""

    live = True

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.reads: list[int] = []
        self.wake = asyncio.Event()
        self.opened = self.closed = 0
        self.fail_open: Exception | None = None

    def add(self, count: int = 1) -> None:
        for _ in range(count):
            self.notes.append(Note(len(self.notes) + 1))
        self.wake.set()

    async def open(self) -> asyncio.Event:
        self.opened += 1
        if self.fail_open is not None:
            raise self.fail_open
        return self.wake

    async def read_after(self, position: int) -> Sequence[Note]:
        self.reads.append(position)
        return [n for n in self.notes if n.id > position][:4]  # pages of four

    async def close(self) -> None:
        self.closed += 1


def fanout(log: Log, options: LiveOptions = QUIET) -> FanOut[str, Note]:
    return FanOut("test", lambda key: log, lambda note: str(note.id).encode(), options)


class Follower:
    """A reader's task, noting the positions it was handed."""

    def __init__(self, feeds: FanOut[str, Note], after: int | None) -> None:
        self.got: list[int] = []
        self.joined = asyncio.Event()
        self.delivered = asyncio.Event()
        self.gate: asyncio.Event | None = None  # when set, each delivery waits for it
        self.task = asyncio.create_task(self._run(feeds, after))

    async def _run(self, feeds: FanOut[str, Note], after: int | None) -> None:
        async with feeds.reading("k", after) as reader:
            self.joined.set()
            await self._serve(reader)

    async def _serve(self, reader: Reader[Note]) -> None:
        async def deliver(wire: list[bytes]) -> None:
            if self.gate is not None:
                await self.gate.wait()
            self.got.extend(int(w) for w in wire)
            self.delivered.set()

        await reader.serve(deliver, until=lambda note: note.id == 1_000)

    async def until_seen(self, position: int) -> None:
        async with asyncio.timeout(2):
            while not self.got or self.got[-1] < position:
                self.delivered.clear()
                await self.delivered.wait()

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def test_readers_from_different_positions_get_everything_after_theirs_once() -> None:
    log = Log()
    log.add(10)
    feeds = fanout(log)
    late_starter = Follower(feeds, 6)
    await late_starter.until_seen(10)
    early = [Follower(feeds, 2), Follower(feeds, 0)]  # before the copy's start: read in
    for follower in early:
        await follower.until_seen(10)
    reads = len(log.reads)
    log.add(5)
    for follower in (late_starter, *early):
        await follower.until_seen(15)
    # The new messages were read once for all three readers, from the feed's head, a page
    # at a time, until a read found nothing.
    assert log.reads[reads:] == [10, 14, 15]
    assert late_starter.got == list(range(7, 16))
    assert early[0].got == list(range(3, 16))
    assert early[1].got == list(range(1, 16))
    for follower in (late_starter, *early):
        await follower.stop()
    assert len(feeds) == 0
    assert (log.opened, log.closed) == (1, 1)


async def test_the_copy_is_bounded_but_keeps_what_a_slow_reader_has_not_had() -> None:
    log = Log()
    feeds = fanout(log, LiveOptions(heartbeat=60, poll_live=60, retain=3))
    slow, fast = Follower(feeds, None), Follower(feeds, None)
    await asyncio.gather(slow.joined.wait(), fast.joined.wait())
    slow.gate = asyncio.Event()
    log.add(20)
    await fast.until_seen(20)
    slow.gate.set()
    await slow.until_seen(20)
    assert slow.got == fast.got == list(range(1, 21))
    log.add(20)
    await fast.until_seen(40)
    newcomer = Follower(feeds, None)  # from now on: nothing of the past
    await newcomer.joined.wait()
    log.add(1)
    await newcomer.until_seen(41)
    assert newcomer.got == [41]
    for follower in (slow, fast, newcomer):
        await follower.stop()


async def test_a_feed_that_cannot_open_fails_its_joiners_and_is_dropped() -> None:
    log = Log()
    log.fail_open = ConnectionError("NATS is away")
    feeds = fanout(log)
    follower = Follower(feeds, None)
    with pytest.raises(ConnectionError):
        await follower.task
    assert len(feeds) == 0
    log.fail_open = None
    again = Follower(feeds, None)
    await again.joined.wait()
    assert log.opened == 2
    await again.stop()


async def test_a_feed_ends_a_reader_at_its_last_message_and_heartbeats_when_quiet() -> None:
    log = Log()
    feeds = fanout(log, LiveOptions(heartbeat=0.02, poll_live=60))
    beats = 0

    async def beat() -> None:
        nonlocal beats
        beats += 1

    async def follow() -> list[bytes]:
        got: list[bytes] = []

        async def deliver(wire: list[bytes]) -> None:
            got.extend(wire)

        async with feeds.reading("k", 0) as reader:
            await reader.serve(deliver, beat, until=lambda note: note.id == 3)
        return got

    task = asyncio.create_task(follow())
    await asyncio.sleep(0.1)
    assert beats >= 2
    log.add(5)
    assert await asyncio.wait_for(task, 1) == [b"1", b"2", b"3"]
    assert len(feeds) == 0


async def test_the_last_reader_closes_the_feed_even_as_a_wake_up_lands() -> None:
    # Python 3.11's asyncio.wait_for returns the awaited result, and drops the cancel, when
    # both land on the same turn of the loop: a pump waiting in it for a wake-up (a NOTIFY
    # of a message after the task's last) as its last reader left kept pumping, and the
    # close, so the SSE response, hung until the client gave up. Each number of loop
    # turns between the wake-up and the close hits the pump at a different point.
    for turns in range(8):
        log = Log()
        feeds = fanout(log)
        started = asyncio.get_running_loop().time()
        async with asyncio.timeout(5), feeds.reading("k", 0):
            await asyncio.sleep(0.01)  # the pump has read and waits for a wake-up
            log.add()
            for _ in range(turns):
                await asyncio.sleep(0)
        # The old close() also swallowed the timeout's cancel: time it, not only bound it.
        assert asyncio.get_running_loop().time() - started < 1.0, turns
        assert len(feeds) == 0
        assert log.closed == 1


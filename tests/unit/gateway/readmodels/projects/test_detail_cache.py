"""The project-detail cache: never serves a version older than one the gateway has seen."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from videogen_contracts.project.events import stream_id_for
from videogen_gateway.readmodels.projects.cache import DetailCache, project_of
from videogen_gateway.readmodels.projects.rows import ProjectDetail, ProjectRow

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def detail(pid: UUID, topic: str = "t") -> ProjectDetail:
    row = ProjectRow(
        id=pid, topic=topic, style=None, target_duration_minutes=None, description=None,
        audience=None, goal=None, tone=None, language="en", aspect_ratio="16:9", owner=None,
        status="draft", section_count=0, sentence_count=0, created_at=NOW, updated_at=NOW,
    )
    return ProjectDetail(project=row, cast=[])


def live_cache(max_entries: int = 100) -> DetailCache:
    cache = DetailCache(max_entries)
    cache.feed_changed(live=True)
    return cache


def test_nothing_is_cached_while_notifications_may_be_missed() -> None:
    cache, pid = DetailCache(), uuid4()
    cache.put(1, detail(pid), cache.epoch)
    assert cache.get(pid) is None


def test_a_newer_position_evicts_the_entry() -> None:
    cache, pid = live_cache(), uuid4()
    cache.put(1, detail(pid, "v1"), cache.epoch)
    assert cache.get(pid) == detail(pid, "v1")
    cache.position_seen(stream_id_for(pid), 1)  # the same version: still good
    assert cache.get(pid) is not None
    cache.position_seen(stream_id_for(pid), 2)
    assert cache.get(pid) is None


def test_a_read_that_started_before_a_newer_event_is_not_cached() -> None:
    cache, pid = live_cache(), uuid4()
    epoch = cache.epoch
    # The read saw version 1; version 2 was notified while it was in flight.
    cache.position_seen(stream_id_for(pid), 2)
    cache.put(1, detail(pid, "stale"), epoch)
    assert cache.get(pid) is None
    cache.put(2, detail(pid, "fresh"), epoch)
    assert cache.get(pid) == detail(pid, "fresh")


def test_losing_the_notification_feed_empties_and_fences_the_cache() -> None:
    cache, pid = live_cache(), uuid4()
    cache.put(1, detail(pid), cache.epoch)
    epoch = cache.epoch
    cache.feed_changed(live=False)
    assert cache.get(pid) is None
    cache.feed_changed(live=True)
    cache.put(1, detail(pid), epoch)  # began before the gap: refused
    assert cache.get(pid) is None
    cache.put(1, detail(pid), cache.epoch)
    assert cache.get(pid) is not None


def test_bounded_and_other_streams_ignored() -> None:
    cache = live_cache(max_entries=3)
    ids = [uuid4() for _ in range(5)]
    for pid in ids:
        cache.put(1, detail(pid), cache.epoch)
    assert [cache.get(pid) is not None for pid in ids] == [False, False, True, True, True]
    cache.position_seen("production-" + str(ids[-1]), 9)
    assert cache.get(ids[-1]) is not None
    # Forgetting old versions fences reads in flight.
    epoch = cache.epoch
    for pid in [uuid4() for _ in range(4)]:
        cache.position_seen(stream_id_for(pid), 1)
    cache.put(1, detail(ids[0]), epoch)
    assert cache.get(ids[0]) is None


def test_project_of() -> None:
    pid = uuid4()
    assert project_of(stream_id_for(pid)) == pid
    assert project_of("project-nonsense") is None
    assert project_of(f"production-{pid}") is None

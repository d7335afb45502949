"""The picture of a production, encoded in segments while the rest is narrated.

The preparation job runs `PicturePipeline.run` beside its narration. It designs every
scene first (text only: no narration needed), then waits for narrated prefixes of the
script: as soon as sentences [0, end) are narrated, the segment covering [first, end) is
known exactly — its scenes' lengths (narration + pause) and its captions' times — and is
encoded, video only, while the narration goes on. The export joins the segments by
stream copy under one soundtrack.

Why segment boundaries come from a fixed plan (by index, `segment_plan`), not from which
sentences happened to be ready: a resumed job, or the project's next render, must cut
the script the same way to find its segments again.

Why frames come from the running total (videogen_media.render.scene_frames over
narration + pause): rounding each scene alone would let the errors add up; rounding the
running total puts every scene edge within half a frame of where the soundtrack lays the
next narration (the export computes the same edges from the same recorded numbers), and
every segment's frame count is the difference of two edges, so the joins are
frame-exact.

Idempotency: a segment's blob key is a digest of everything it is made of (each scene's
picture files, its frames, the captions burnt in, the scene before it, the encoder and its
settings). An existing blob is whole (puts are atomic) and reused: after a kill -9 the
resumed job re-designs the scenes (deterministic, fast), computes the same keys and
encodes only the segments that were not stored yet. Stills are stored the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import structlog
from videogen_contracts.media.events import (
    ChosenVisual,
    MediaPreparationRequested,
    PictureSegment,
    Presentation,
    SentenceText,
)
from videogen_media import quality
from videogen_media.render import scene_frames
from videogen_media.scene_types import ComposedScene
from videogen_text.words import SentenceWords

from media_service.workers.keys import designed_still_key, segment_key
from media_service.workers.picture_ports import (
    CaptionSet,
    Pictures,
    SceneRequest,
    SegmentPart,
    SpokenSentence,
)
from media_service.workers.ports import Blobs

log = structlog.get_logger("media_service.picture")

# Bump when what a segment digest covers changes meaning (the blob layout, the encode).
_FORMAT = 1
FIRST_SEGMENT = 2  # scenes: small, so the first encode starts after two narrations
SEGMENT = 3


def segment_plan(count: int) -> list[tuple[int, int]]:
    """(first, count) runs covering `count` scenes: 2 scenes, then 3 at a time."""
    plan, first = [], 0
    size = FIRST_SEGMENT
    while first < count:
        take = min(size, count - first)
        plan.append((first, take))
        first += take
        size = SEGMENT
    return plan


def scene_edges(lengths: Sequence[float], fps: int) -> list[int]:
    """The frame each scene starts at, and the end: [0, e1, e2, ..., total]."""
    return [0, *itertools.accumulate(scene_frames(lengths, fps))]


def presentation_of(request: MediaPreparationRequested) -> Presentation:
    given = request.presentation
    return Presentation() if isinstance(given, msgspec.UnsetType) else given


@dataclass(frozen=True, slots=True)
class Narrated:
    duration_s: float  # as recorded (rounded to the microsecond, as the export reads it)
    words: SentenceWords
    language: str
    voice: str
    unvoiced: bool


@dataclass
class _Clock:
    narration_started: float
    narration_done: float | None = None
    picture_s: float = 0.0
    last_encode_done: float | None = None


class PicturePipeline:
    def __init__(
        self, pictures: Pictures, blobs: Blobs, request: MediaPreparationRequested,
        workdir: Path,
    ) -> None:
        self.pictures = pictures
        self.blobs = blobs
        self.request = request
        self.presentation = presentation_of(request)
        self.workdir = workdir
        self.fps = pictures.fps(request.render)
        count = len(request.sentences)
        # Rounded as the decider records them: the export computes the scene edges from
        # the recorded numbers, and must get the same frames.
        self.pauses = [
            round(pictures.pause_after(s.text, section_end=_section_end(request.sentences, i)), 6)
            for i, s in enumerate(request.sentences)
        ]
        self._narrated: list[Narrated | None] = [None] * count
        # Set whenever a sentence is narrated: the encoder loop re-checks its prefix.
        self._progress = asyncio.Event()
        self.scenes: list[ComposedScene] = []
        self.stills: list[str] = []
        self.hashes: list[int] = []
        self.stock: list[ChosenVisual | None] = [None] * count
        self.segments_reused = 0
        self.clock = _Clock(narration_started=time.perf_counter())

    # --- fed by the narration -------------------------------------------------------------

    def narrated(self, index: int, item: Narrated) -> None:
        self._narrated[index] = item
        self._progress.set()

    def narration_done(self) -> None:
        self.clock.narration_done = time.perf_counter()

    def spoken(self, upto: int) -> list[SpokenSentence]:
        """Sentences [0, upto) on the timeline: each starts on its scene's first frame."""
        items = [self._item(i) for i in range(upto)]
        edges = scene_edges(self.lengths(upto), self.fps)
        return [
            SpokenSentence(
                sentence_id=s.sentence_id, text=s.text, start_s=edges[i] / self.fps,
                speech_s=item.duration_s, words=item.words, language=item.language,
            )
            for i, (s, item) in enumerate(zip(self.request.sentences, items, strict=False))
        ]

    def lengths(self, upto: int) -> list[float]:
        return [self._item(i).duration_s + self.pauses[i] for i in range(upto)]

    def _item(self, index: int) -> Narrated:
        item = self._narrated[index]
        if item is None:
            raise RuntimeError(f"sentence {index} is not narrated yet")
        return item

    # --- the picture ----------------------------------------------------------------------

    async def run(self, stock: Sequence[ChosenVisual]) -> list[PictureSegment]:
        """Design, then encode each planned segment as soon as its prefix is narrated."""
        await self._design(stock)
        segments = []
        previous: Path | None = None
        for first, count in segment_plan(len(self.request.sentences)):
            end = first + count
            while any(item is None for item in self._narrated[:end]):
                self._progress.clear()
                await self._progress.wait()
            segments.append(await self._segment(first, count, previous))
            previous = self.scenes[end - 1].still
        return segments

    async def _design(self, stock: Sequence[ChosenVisual]) -> None:
        requests = []
        for sentence, visual in zip(self.request.sentences, stock, strict=True):
            media = None
            if visual.kind == "stock" and visual.key:
                media = self.blobs.path_of(visual.key)
            requests.append(SceneRequest(sentence.text, media, "stock" if media else None))
        self.stock = [v if v.kind == "stock" else None for v in stock]
        started = time.perf_counter()
        self.scenes = await asyncio.to_thread(
            self.pictures.design, requests, self.presentation.style, self.request.render,
            self.workdir / "scenes",
        )
        if len(self.scenes) != len(requests):
            raise RuntimeError(f"{len(self.scenes)} scenes designed for {len(requests)}")
        digests = await asyncio.to_thread(lambda: [_file_digest(s.still) for s in self.scenes])
        self.hashes = await asyncio.to_thread(
            lambda: [quality.phash_file(s.still) for s in self.scenes]
        )
        project = self.request.project_id
        self.stills = [designed_still_key(project, d) for d in digests]
        for key, scene in zip(self.stills, self.scenes, strict=True):
            if not await self.blobs.exists(key):
                await self.blobs.put_file(key, scene.still)
        log.info("picture.designed", scenes=len(self.scenes),
                 seconds=round(time.perf_counter() - started, 3))

    async def _segment(self, first: int, count: int, previous: Path | None) -> PictureSegment:
        end = first + count
        edges = scene_edges(self.lengths(end), self.fps)
        frames = [edges[i + 1] - edges[i] for i in range(first, end)]
        start_s, end_s = edges[first] / self.fps, edges[end] / self.fps
        # Captions of the prefix only: a sentence's captions never depend on later ones.
        prefix = await asyncio.to_thread(
            self.pictures.captions, self.spoken(end), self.request.render,
            self.presentation.captions, self.presentation.style,
        )
        ass = self.pictures.segment_captions(prefix.ass, start_s, end_s)
        changes = [t - start_s for t in prefix.change_times if start_s <= t < end_s]
        parts = [SegmentPart(self.scenes[i], n) for i, n in zip(range(first, end), frames,
                                                                   strict=True)]
        digest = await asyncio.to_thread(self._digest, parts, ass, previous)
        key = segment_key(self.request.project_id, digest)
        total = sum(frames)
        if await self.blobs.exists(key):
            self.segments_reused += 1
            log.info("picture.segment_reused", first=first, count=count, key=key)
            return PictureSegment(key=key, first=first, count=count, frames=total)
        started = time.perf_counter()
        directory = self.workdir / f"segment-{first}"
        directory.mkdir(parents=True, exist_ok=True)
        captions = directory / "captions.ass"
        captions.write_text(ass, encoding="utf-8")
        output = directory / "segment.mp4"
        await self.pictures.encode(
            parts, self.request.render, output, style=self.presentation.style,
            captions=captions, caption_changes=changes, previous_still=previous,
        )
        # Kept even if the job is cancelled now: storing takes milliseconds, and a retry
        # then finds the segment instead of encoding it again (as with narrations).
        stored = asyncio.ensure_future(self.blobs.put_file(key, output))
        try:
            await asyncio.shield(stored)
        except asyncio.CancelledError:
            await stored
            raise
        done = time.perf_counter()
        self.clock.picture_s += done - started
        self.clock.last_encode_done = done
        log.info("picture.segment_encoded", first=first, count=count, frames=total,
                 seconds=round(done - started, 3))
        return PictureSegment(key=key, first=first, count=count, frames=total)

    def _digest(self, parts: Sequence[SegmentPart], ass: str, previous: Path | None) -> str:
        h = hashlib.sha256()
        h.update(f"format={_FORMAT};{self.pictures.encoder_identity(self.request.render)}".encode())
        h.update(f";style={self.presentation.style};fps={self.fps}".encode())
        for part in parts:
            h.update(f";frames={part.frames};".encode())
            h.update(_scene_digest(part.scene).encode())
        h.update(b";previous=" + (_file_digest(previous).encode() if previous else b"-"))
        h.update(b";captions=" + ass.encode("utf-8"))
        return h.hexdigest()

    # --- what the preparation records -----------------------------------------------------

    def visuals(self) -> list[ChosenVisual]:
        chosen = []
        for sentence, scene, still, stock in zip(
            self.request.sentences, self.scenes, self.stills, self.stock, strict=True
        ):
            icons = list(scene.icons)
            if stock is not None:
                chosen.append(msgspec.structs.replace(stock, layout=scene.layout, icons=icons))
                continue
            chosen.append(
                ChosenVisual(
                    sentence_id=sentence.sentence_id,
                    keywords=list(scene.keywords) or sentence.text.lower().split()[:3],
                    kind="designed", key=still, layout=scene.layout, icons=icons,
                )
            )
        return chosen

    def report(self, captions: CaptionSet) -> quality.QualityReport:
        """The media half of the quality report."""
        items = [self._item(i) for i in range(len(self._narrated))]
        languages: Counter[tuple[str, str]] = Counter()
        unvoiced: Counter[tuple[str, str]] = Counter()
        for item in items:
            languages[(item.language, item.voice)] += 1
            unvoiced[(item.language, item.voice)] += item.unvoiced
        warnings = [
            f"no installed voice speaks {lang!r}: {n} sentence(s) shown, not spoken"
            for (lang, _), n in sorted(unvoiced.items()) if n
        ]
        warnings += captions.problems
        done = self.clock.narration_done
        last = self.clock.last_encode_done
        tail = max(0.0, last - done) if last is not None and done is not None else 0.0
        edges = scene_edges(self.lengths(len(items)), self.fps)
        gaps = quality.neighbour_distances(self.hashes)
        if gaps and min(gaps) < quality.MIN_NEIGHBOUR_DISTANCE:
            warnings.append(f"two neighbouring scenes look alike (pHash distance {min(gaps)})")
        return quality.QualityReport(
            word_timing=quality.word_timing_report(i.words.source for i in items),
            captions=quality.CaptionReport(
                inside_safe_area=captions.inside_safe_area, no_overflow=captions.no_overflow,
                lines=captions.lines, problems=list(captions.problems), style=captions.style,
            ),
            scenes=quality.scene_report(
                [s.source for s in self.scenes], [s.layout for s in self.scenes], self.hashes,
                style=self.presentation.style, icon_tags=[s.icon_tags for s in self.scenes],
                edges_s=[e / self.fps for e in edges],
                icon_ids=[s.icons for s in self.scenes],
                icon_terms=[self.pictures.icon_tags(s.icons) for s in self.scenes],
            ),
            languages=[
                quality.LanguageReport(
                    language=lang, voice=voice, sentences=n, unvoiced=unvoiced[(lang, voice)]
                )
                for (lang, voice), n in sorted(languages.items())
            ],
            timings=quality.Timings(
                narration_s=round(done - self.clock.narration_started, 3) if done else None,
                picture_s=round(self.clock.picture_s, 3),
                picture_after_narration_s=round(tail, 3),
            ),
            warnings=warnings,
        )


def _section_end(sentences: Sequence[SentenceText], index: int) -> bool:
    if index + 1 >= len(sentences):
        return True
    return sentences[index + 1].section_id != sentences[index].section_id


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _scene_digest(scene: ComposedScene) -> str:
    """What a scene looks like on screen: its files' bytes and how its layers move."""
    h = hashlib.sha256()
    h.update(f"{scene.layout};{scene.source};".encode())
    h.update(_file_digest(scene.background).encode())
    for layer in scene.layers:
        h.update(_file_digest(layer.image).encode())
        h.update(
            f";{layer.x},{layer.y},{layer.enter},{layer.enter_at},{layer.enter_s},"
            f"{layer.drift};".encode()
        )
    if scene.media is not None:
        stat = scene.media.stat()
        # A stock clip's key is already a digest of its search; its size guards the rest.
        h.update(f"media={scene.media.name}:{stat.st_size};".encode())
    return h.hexdigest()

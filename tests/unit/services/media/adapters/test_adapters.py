"""The small adapters: atomic local blobs, keywords and palettes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from media_service.adapters.procedural_visuals import ProceduralVisuals
from media_service.workers.keys import narration_key, production_prefixes
from videogen_contracts.media.events import FrameSettings, SentenceText
from videogen_media.blobs import LocalBlobStore
from videogen_media.visuals import keywords_of, palette_for


async def test_blobs_put_read_and_delete_by_prefix(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path)
    production, other = uuid.uuid4(), uuid.uuid4()
    mine = narration_key(production, uuid.uuid4().hex)
    theirs = narration_key(other, uuid.uuid4().hex)
    await blobs.put_bytes(mine, b"RIFF")
    await blobs.put_bytes(theirs, b"RIFF")
    await blobs.put_bytes(f"captions/{production}.srt", b"1")
    assert await blobs.exists(mine)
    assert blobs.path_of(mine).read_bytes() == b"RIFF"

    removed = sum([await blobs.delete_prefix(p) for p in production_prefixes(production)])
    assert removed == 2
    assert not await blobs.exists(mine)
    assert await blobs.exists(theirs)
    assert sum([await blobs.delete_prefix(p) for p in production_prefixes(production)]) == 0


async def test_a_failed_put_leaves_no_blob(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path)
    with pytest.raises(FileNotFoundError):
        await blobs.put_file("narration/x/y.wav", tmp_path / "missing.wav")
    assert not await blobs.exists("narration/x/y.wav")
    assert not [p for p in (tmp_path / "narration" / "x").iterdir()]  # no temp left behind


def test_keys_cannot_escape_the_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        LocalBlobStore(tmp_path).path_of("../etc/passwd")


# The caption font's tests (found in the wheel, refused when there is none) are in
# tests/unit/media/test_media_fonts.py, with the one font finder they test.


def test_keywords_are_content_words() -> None:
    assert keywords_of("The lava cools into black rock.") == ["cools", "black", "lava"]
    assert keywords_of("我们去北京。") == ["我们去北京"]


def test_palettes_follow_known_words_and_are_stable() -> None:
    sea = palette_for(["ocean"])
    assert sea == palette_for(["ocean"])
    red, _green, blue = (int(sea[0][i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red
    assert len(sea) == 3
    assert palette_for(["alpha"]) != palette_for(["omega"])


async def test_every_sentence_gets_a_procedural_visual() -> None:
    sentences = [SentenceText(sentence_id=uuid.uuid4(), text=t) for t in ("Sea.", "Fire!")]
    visuals = await ProceduralVisuals().choose(uuid.uuid4(), sentences, FrameSettings())
    assert [v.sentence_id for v in visuals] == [s.sentence_id for s in sentences]
    assert all(v.kind == "procedural" and v.spec is not None for v in visuals)
    assert visuals[0].spec != visuals[1].spec

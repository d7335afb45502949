"""Narration reused by content: a sentence is synthesized once per project, voice and text.

A narration's blob key is a digest of everything that shapes its audio: the sentence text,
the voice settings, the language and who speaks it (engine and voice: the narrator's
`speaker`, "piper:en_US-joe-medium" or "espeak:de"), so another voice re-narrates. A later
production of the same project (a studio re-render after an edit) computes the same key
for every sentence it did not change and finds the audio there; a changed sentence gets a
new key and is synthesized. Nothing tracks "stale" sentences: staleness is a key miss.

Why per project, not global: a project's blobs are deleted with the project, and no other
project's audio may depend on them. Why `_FORMAT` is in the digest: a change to how audio
is made (the pause appended, the sample rate) must not reuse audio made the old way; bump
it with such a change.
"""

from __future__ import annotations

import asyncio
import hashlib
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import msgspec
from videogen_contracts.media.events import VoiceSettings

_FORMAT = 1


class _NarrationInputs(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    text: str
    voice: VoiceSettings
    language: str
    synthesizer: str


def narration_digest(text: str, voice: VoiceSettings, language: str, synthesizer: str) -> str:
    """sha256 (hex) of what the audio depends on, in a canonical JSON form."""
    # Same characters, same speech: NFC folds equivalent encodings, and surrounding
    # whitespace is never spoken, so neither makes a sentence "changed".
    canonical = unicodedata.normalize("NFC", text).strip()
    inputs = _NarrationInputs(
        format=_FORMAT, text=canonical, voice=voice, language=language, synthesizer=synthesizer
    )
    return hashlib.sha256(msgspec.json.encode(inputs)).hexdigest()


class KeyedLocks:
    """One asyncio lock per key, dropped once nobody holds or waits for it.

    The preparation job holds a narration's key while it checks for the blob and, on a miss,
    synthesizes and stores it. A second sentence with the same key in this process (the
    same line twice in one script, or two productions of one project at once) waits, then
    finds the blob: it is spoken once. Replicas in other processes may still both speak a
    line at the same instant; the puts are atomic and the audio equivalent, so the cost is
    one wasted synthesis, never a broken blob.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)

"""The sentence segmenter the script service drafts with: videogen_media.segmentation.

One adapter line, so the domain depends on a function shape (`SentenceSplitter`), not on
the library.
"""

from __future__ import annotations

from collections.abc import Sequence

from videogen_media.segmentation import split_sentences as _split


def split_sentences(paragraph: str, language: str) -> Sequence[str]:
    return _split(paragraph, language=language)

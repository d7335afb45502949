# ruff: noqa: RUF001  (sentences in other scripts, on purpose)
"""A sentence's language, by its script first, then py3langid with the job's as prior."""

from __future__ import annotations

import pytest
from videogen_providers.tts.language import sentence_language


@pytest.mark.parametrize(("text", "job", "expected"), [
    ("東京は日本の首都です。", "en", "ja"),
    ("東京都", "ja", "ja"),  # kanji only, in a Japanese job
    ("北京是中国的首都。", "en", "zh"),
    ("القاهرة هي عاصمة مصر.", "en", "ar"),
    ("تهران پایتخت ایران است.", "en", "fa"),
    ("اسلام آباد پاکستان کا دارالحکومت ہے۔", "en", "ur"),
    ("ירושלים היא בירת ישראל.", "en", "he"),
    ("दिल्ली भारत की राजधानी है।", "en", "hi"),
    ("서울은 한국의 수도입니다.", "en", "ko"),
    ("Москва столица России.", "en", "ru"),
    ("Київ — столиця України.", "en", "uk"),
    ("Die Bienen tanzen in der Sonne und sammeln Nektar.", "en", "de"),
    ("Les abeilles dansent au soleil.", "en", "fr"),
    ("The bees dance in the sun.", "fr", "en"),
    ("OK.", "fr", "fr"),  # too short to leave the job's language
    ("Taxi!", "de", "de"),
    ("2024", "es", "es"),  # nothing to tell
    ("…", "pt-BR", "pt"),
])
def test_sentence_language(text: str, job: str, expected: str) -> None:
    assert sentence_language(text, job) == expected

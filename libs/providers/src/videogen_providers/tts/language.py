"""Which language a sentence is in, so that it is narrated by a voice that speaks it.

The script decides first, where it names one language (kana: Japanese, hangul: Korean,
Hebrew letters: Hebrew, Greek, Thai, ...): a statistical detector is least sure exactly
where the script is most telling, on short text. Arabic script is Arabic unless py3langid
says Persian or Urdu; Han characters alone are Chinese, or Japanese in a Japanese job
(kanji-only sentences are common there); Cyrillic and Devanagari are shared by several
languages, so py3langid picks among those. Latin text goes to py3langid with the job's
language as a prior: a short or ambiguous sentence ("OK.", "Merci beaucoup" in a French
job) stays in the job's language unless the evidence is strong.

Pure (no I/O beyond loading py3langid's model, once per process).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Scripts that name one language.
_SCRIPT_LANGUAGE = (
    (re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]"), "ja"),  # kana
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"), "ko"),  # hangul
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), "el"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u1200-\u137f]"), "am"),
    (re.compile(r"[\u0980-\u09ff]"), "bn"),
    (re.compile(r"[\u0b80-\u0bff]"), "ta"),
    (re.compile(r"[\u0c00-\u0c7f]"), "te"),
    (re.compile(r"[\u0a80-\u0aff]"), "gu"),
    (re.compile(r"[\u0a00-\u0a7f]"), "pa"),
    (re.compile(r"[\u0c80-\u0cff]"), "kn"),
    (re.compile(r"[\u0d00-\u0d7f]"), "ml"),
    (re.compile(r"[\u1780-\u17ff]"), "km"),
    (re.compile(r"[\u1000-\u109f]"), "my"),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# py3langid's choices within a script shared by several languages.
_ARABIC_SCRIPT = ("ar", "fa", "ur", "ps", "ku")
_CYRILLIC_SCRIPT = ("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn")
_DEVANAGARI_SCRIPT = ("hi", "mr", "ne")
# How much likelier the job's language is, a priori, than any other one language.
PRIOR_ODDS = 20.0


def sentence_language(text: str, default: str) -> str:
    """The sentence's language as a BCP 47 primary subtag ("en", "ja", "ar")."""
    prior = _primary(default)
    letters = "".join(ch for ch in text if unicodedata.category(ch)[0] == "L")
    if not letters:
        return prior
    for pattern, language in _SCRIPT_LANGUAGE:
        if pattern.search(letters):
            return language
    if _HAN.search(letters):
        return "ja" if prior == "ja" else prior if prior in ("zh", "yue") else "zh"
    if _ARABIC.search(letters):
        return _choose(text, _ARABIC_SCRIPT, prior, "ar")
    if _CYRILLIC.search(letters):
        return _choose(text, _CYRILLIC_SCRIPT, prior, "ru")
    if _DEVANAGARI.search(letters):
        return _choose(text, _DEVANAGARI_SCRIPT, prior, "hi")
    return _choose(text, None, prior, prior)


def _primary(tag: str) -> str:
    return (tag or "en").replace("_", "-").split("-")[0].casefold() or "en"


def _choose(text: str, among: tuple[str, ...] | None, prior: str, fallback: str) -> str:
    """py3langid's most likely language of `among` (all, if None), the prior weighed in."""
    ranked = [(lang, p) for lang, p in _identifier().rank(text) if among is None or lang in among]
    if not ranked:
        return fallback
    scores = {lang: p * (PRIOR_ODDS if lang == prior else 1.0) for lang, p in ranked}
    best: str = max(scores, key=lambda lang: scores[lang])
    if among is not None and scores[best] <= 0.0:
        return fallback
    return best


@functools.cache
def _identifier() -> Any:
    """py3langid with probabilities (its model loaded once per process: 1-2 s here)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

# ruff: noqa: RUF001, RUF002  (sentences and phonemes in other scripts, on purpose)
"""Whether espeak-ng really reads a language's script, or only spells it.

espeak-ng lists ~130 voices, but a voice does not read every text of its language: its
Japanese voice says "Chinese letter" for each kanji (`espeak-ng -v ja -x` shows
`(en)tʃˈaɪniːz(ja)lˈetə`), and its default Mandarin voice (`cmn`, "latin as English")
reads words such as 北京 as English letters and digits ("bei three jing one"), where
`cmn-latn-pinyin` reads them. espeak-ng marks each such switch to another language in its
phoneme output (`(en)`), so that is the test: the text's own-script part (Latin words,
which any voice may rightly read as English, taken out) is phonemized with `-q -x`, and
any switch means the voice would mumble it.

`reads_language` probes a voice once with a sentence of the language's script (cached per
process): the voice choice needs no text. `reads_text` checks a sentence itself (cached
too), for a text the probe did not foresee (a Korean sentence with hanja). Languages
written in Latin script have no probe: espeak-ng reads Latin letters in every voice.
"""

from __future__ import annotations

import functools
import re
import subprocess

# A sentence of each non-Latin language's usual script ("the capital of ...").
PROBES = {
    "ja": "東京は日本の首都です。", "zh": "北京是中国的首都。", "yue": "香港係一個城市。",
    "ko": "서울은 한국의 수도입니다.", "ar": "القاهرة هي عاصمة مصر.",
    "fa": "تهران پایتخت ایران است.", "ur": "اسلام آباد پاکستان کا دارالحکومت ہے۔",
    "he": "ירושלים היא בירת ישראל.", "hi": "दिल्ली भारत की राजधानी है।",
    "mr": "मुंबई महाराष्ट्राची राजधानी आहे.", "ne": "काठमाडौं नेपालको राजधानी हो।",
    "ru": "Москва столица России.", "uk": "Київ столиця України.",
    "bg": "София е столицата на България.", "sr": "Београд је главни град Србије.",
    "el": "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.", "th": "กรุงเทพเป็นเมืองหลวงของประเทศไทย",
    "ka": "თბილისი საქართველოს დედაქალაქია.", "hy": "Երևանը Հայաստանի մայրաքաղաքն է։",
    "am": "አዲስ አበባ የኢትዮጵያ ዋና ከተማ ናት።", "bn": "ঢাকা বাংলাদেশের রাজধানী।",
    "ta": "சென்னை தமிழ்நாட்டின் தலைநகரம்.",
}
_SWITCH = re.compile(r"\([a-z]{2,3}(?:-[a-z0-9]+)*\)")
_LATIN_WORD = re.compile(r"\S*[A-Za-z]\S*")
TIMEOUT_S = 10


@functools.lru_cache(maxsize=256)
def reads_language(executable: str, voice_id: str, language: str) -> bool:
    """The voice reads the language's own script (True where there is no probe)."""
    probe = PROBES.get(language.split("-")[0])
    return probe is None or reads_text(executable, voice_id, probe)


@functools.lru_cache(maxsize=4096)
def reads_text(executable: str, voice_id: str, text: str) -> bool:
    """espeak-ng reads the text's non-Latin words in this voice, switching to no other."""
    own_script = _LATIN_WORD.sub(" ", text)
    if not any(ch.isalpha() for ch in own_script):
        return True
    result = subprocess.run(
        [executable, "-q", "-x", "-v", voice_id, "--", own_script],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    return result.returncode == 0 and not _SWITCH.search(result.stdout)

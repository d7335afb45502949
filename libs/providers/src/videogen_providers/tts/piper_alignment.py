"""Word timings from Piper's own alignments: which samples each phoneme became.

The voice's duration predictor decides how many audio frames each phoneme id lasts, and
the decoder makes exactly that many (`hop_length` samples a frame), so the alignment is
the audio's own timing, not an estimate. Piper exposes it once its model is patched in
memory (`piper.patch_voice_with_alignment`, which needs the `onnx` package): the
`w_ceil` tensor becomes an output, samples per phoneme id.

Pure functions here (no model): the ids of a phoneme sequence with the phoneme each id
belongs to, and phoneme spans → the sentence's words. espeak-ng's phonemes separate words
with " ", but not one to one: a number can be several phoneme words ("1999" → three) and
two short words can be one ("of the" → "ʌvðə"). So written words are matched to phoneme
words by dynamic programming on what each written word sounds like alone (`solo`, its
phonemes): one word to one or more phoneme words, or two or three words to one phoneme
word (split between them by their phonemes' share), at the least edit distance.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from videogen_text.spoken_words import spoken_words
from videogen_text.words import WordTiming

BOS, EOS, PAD = "^", "$", "_"
WORD_BREAK = " "
PUNCTUATION = frozenset(",.;:!?¡¿—…\"'()-")
STRESS = str.maketrans("", "", "ˈˌ ")
MOST_SPLIT, MOST_MERGED = 4, 3  # phoneme words one written word may be, written words one may hold


@dataclass(frozen=True, slots=True)
class PhonemeSpan:
    phoneme: str
    start: int  # in samples from the start of the audio
    end: int


def phoneme_ids(
    phonemes: Sequence[str], id_map: Mapping[str, Sequence[int]]
) -> tuple[list[int], list[int]]:
    """Piper's ids for `phonemes` (as `piper.phoneme_ids.phonemes_to_ids` makes them) and,
    per id, the index of the phoneme it belongs to (-1: the start marker, len: the end)."""
    ids: list[int] = [*id_map[BOS], *id_map[PAD]]
    owners = [-1] * len(ids)
    for index, phoneme in enumerate(phonemes):
        if phoneme not in id_map:
            continue  # Piper drops a phoneme its voice lacks: so do we
        own = [*id_map[phoneme], *id_map[PAD]]
        ids.extend(own)
        owners.extend([index] * len(own))
    ids.extend(id_map[EOS])
    owners.extend([len(phonemes)] * len(id_map[EOS]))
    return ids, owners


def phoneme_spans(
    phonemes: Sequence[str], owners: Sequence[int], id_samples: Sequence[int], offset: int
) -> list[PhonemeSpan]:
    """Each phoneme's samples, from the samples of each id, starting at `offset`."""
    per_phoneme = [0] * len(phonemes)
    lead = 0
    for owner, samples in zip(owners, id_samples, strict=True):
        if 0 <= owner < len(phonemes):
            per_phoneme[owner] += int(samples)
        elif owner < 0:
            lead += int(samples)
    spans, position = [], offset + lead
    for phoneme, samples in zip(phonemes, per_phoneme, strict=True):
        spans.append(PhonemeSpan(phoneme, position, position + samples))
        position += samples
    return spans


def phoneme_words(spans: Sequence[PhonemeSpan]) -> list[list[PhonemeSpan]]:
    """The sounds of each phoneme word (a pause mark, "," or ".", is the silence after it)."""
    words: list[list[PhonemeSpan]] = []
    for is_break, group in itertools.groupby(spans, key=lambda s: s.phoneme == WORD_BREAK):
        sounds = [s for s in group if s.phoneme not in PUNCTUATION]
        if not is_break and sounds:
            words.append(sounds)
    return words


def word_timings(
    text: str, words: Sequence[Sequence[PhonemeSpan]], sample_rate: int, *,
    solo: Sequence[str] | None = None, time_scale: float = 1.0,
) -> list[WordTiming]:
    """The sentence's words timed by the phoneme words; `solo`: each written word's
    phonemes said alone (needed only when the counts differ); `time_scale` maps the model's
    samples to the written audio's (a pitch change resamples it by 1/pitch)."""
    written = spoken_words(text)
    if not written or not words:
        return []
    if len(written) == len(words):
        pieces = [list(w) for w in words]
    else:
        sounds = solo if solo is not None and len(solo) == len(written) else written
        pieces = _match(list(sounds), [[s.phoneme for s in w] for w in words], words)
    scale = time_scale / sample_rate
    timings, last = [], words[0][0].start
    for word, piece in zip(written, pieces, strict=True):
        start, end = (piece[0].start, piece[-1].end) if piece else (last, last)
        timings.append(WordTiming(word, round(start * scale, 4), round(end * scale, 4)))
        last = end
    return timings


def _match(
    solo: list[str], spoken: list[list[str]], words: Sequence[Sequence[PhonemeSpan]]
) -> list[list[PhonemeSpan]]:
    """Each written word's phoneme spans (see the module's docstring)."""
    said = [w.translate(STRESS) for w in solo]
    heard = ["".join(w).translate(STRESS) for w in spoken]
    n, m, inf = len(said), len(heard), float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            moves = [(1, k) for k in range(0, MOST_SPLIT + 1)]
            moves += [(k, 1) for k in range(2, MOST_MERGED + 1)]
            for di, dj in moves:
                if i + di > n or j + dj > m:
                    continue
                step = 1.5 if dj == 0 else _distance("".join(said[i:i + di]),
                                                      "".join(heard[j:j + dj]))
                if cost[i][j] + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + step
                    back[i + di][j + dj] = (di, dj)
    pieces: list[list[PhonemeSpan]] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        i, j = i - di, j - dj
        if di == 1:
            pieces.append([s for w in words[j:j + dj] for s in w])
        else:  # several written words said as one: split it by their phonemes' share
            pieces.extend(reversed(_split(list(words[j]), [len(x) for x in said[i:i + di]])))
    return pieces[::-1]


def _split(spans: list[PhonemeSpan], lengths: list[int]) -> list[list[PhonemeSpan]]:
    total, out, taken, running = max(1, sum(lengths)), [], 0, 0
    for length in lengths:
        running += length
        upto = max(taken + 1, round(len(spans) * running / total)) if spans else 0
        out.append(spans[taken:upto])
        taken = min(upto, len(spans))
    return out


def _distance(a: str, b: str) -> float:
    """Edit distance over the longer length: 0 for the same sounds, 1 for unrelated."""
    if not a or not b:
        return 1.0
    row = list(range(len(b) + 1))
    for x, ca in enumerate(a, 1):
        previous, row[0] = row[0], x
        for y, cb in enumerate(b, 1):
            previous, row[y] = row[y], min(row[y] + 1, row[y - 1] + 1, previous + (ca != cb))
    return row[-1] / max(len(a), len(b))

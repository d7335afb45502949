"""Word-timing accuracy: onset errors against a reference whose word times are known.

The reference (tests/integration/media/word_timing_reference.py): each word spoken alone
by the real engine, cut to its sound, laid end to end with random pauses of 80-400 ms
(seed 15). Prints median and p95 onset error, in ms, of: the aligner on Piper's and on
espeak-ng's words; Piper's own alignments (per word); and the agreement of Piper's
alignments with the aligner on connected speech (the committed 12-sentence paragraph,
Piper speaking each sentence whole), where no reference exists. Targets: median ≤ 80 ms,
p95 ≤ 150 ms.

Run: .venv/bin/python -m tests.bench.bench_word_timing
"""

from __future__ import annotations

import time
from pathlib import Path

from videogen_text.segmentation import split_sentences

from tests.integration.media.word_timing_reference import SENTENCE, measure_all

PARAGRAPH = Path(__file__).with_name("text2video_paragraph.txt")


def main() -> None:
    sentences = [SENTENCE, *split_sentences(PARAGRAPH.read_text(encoding="utf-8"), "en")]
    started = time.perf_counter()
    figures = measure_all(sentences)
    print(f"word-onset error (target: median <= 80 ms, p95 <= 150 ms), "
          f"measured in {time.perf_counter() - started:.1f} s")
    for name, (median, p95) in figures.items():
        print(f"  {name:48s} median {median:6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()

"""`python -m videogen_providers.tts.piper_check [MODEL]`: load the voice, say one word.

Run as a child process by provider validation, so the caller never holds onnxruntime and
the model in memory. Prints `{"sample_rate": ..., "samples": ...}` and exits 0 when the
word was synthesized; any failure exits non-zero with the reason on stderr.
"""

from __future__ import annotations

import json
import sys
import tempfile
import wave
from pathlib import Path

from videogen_providers.tts.piper_model import default_voice_model
from videogen_providers.tts.piper_voice import load_voice, synthesize_to_wav

WORD = "Hello."


def check(model: Path) -> dict[str, int]:
    voice = load_voice(model)
    with tempfile.TemporaryDirectory(prefix="vg-piper-check-") as tmp:
        out = Path(tmp) / "word.wav"
        synthesize_to_wav(voice, WORD, rate=1.0, pause_ms=0, out=out)
        with wave.open(str(out), "rb") as wav:
            return {"sample_rate": wav.getframerate(), "samples": wav.getnframes()}


def main(argv: list[str]) -> int:
    model = Path(argv[0]) if argv else default_voice_model()
    result = check(model)
    if result["samples"] <= 0:
        print("the voice produced no audio", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

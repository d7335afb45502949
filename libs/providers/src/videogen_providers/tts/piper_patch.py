"""A Piper model with its alignment output, patched once into a cache file.

`python -m videogen_providers.tts.piper_patch MODEL OUT` writes MODEL patched
(`piper.patch_voice_with_alignment`: its `w_ceil` tensor, samples per phoneme id, made an
output) to OUT, atomically. Why a file, and why a child process: patching in memory means
the `onnx` graph and its serialized copy, ~60 MB each for a medium voice, in the process
that then runs the voice; its allocator keeps that memory (measured: 326 MB resident after
a sentence, against 236 MB for the model loaded from a file), under a cap of 400 MB a
process. A child patches, exits and gives it all back; every worker then loads the file.
Concurrent workers may both patch: each writes the same bytes and replaces the file
whole, so either result is right.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

TIMEOUT_S = 120


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "videogen" / "piper"


def patched_path(model: Path) -> Path:
    """Where the patched copy of this very model file lives (its size and time in the
    name: a reinstalled voice gets a new copy)."""
    stat = model.stat()
    tag = hashlib.sha256(f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return cache_dir() / f"{model.stem}-{tag.hexdigest()[:16]}.aligned.onnx"


def ensure_patched(model: Path) -> Path | None:
    """The patched copy (made now by a child process if missing), or None when the model
    cannot be patched (no onnx, no alignment tensor, a read-only cache)."""
    target = patched_path(model)
    if target.is_file():
        return target
    done = subprocess.run(
        [sys.executable, "-m", "videogen_providers.tts.piper_patch", str(model), str(target)],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    return target if done.returncode == 0 and target.is_file() else None


def main(argv: list[str]) -> int:
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    model_path, target = Path(argv[0]), Path(argv[1])
    model = onnx.load(str(model_path))
    try:
        add_alignment_output(model)
    except ValueError as error:  # already patched: a copy of it is as good
        print(f"not patched: {error}", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex}")
    try:
        onnx.save(model, str(tmp))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

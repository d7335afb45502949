"""What the gateway reports about the machine: ffmpeg, disk space, providers, settings."""

"""`python -m media_service`: serve media commands and prepare media until SIGINT/SIGTERM."""

from videogen_runtime.service import run_service

from media_service.bootstrap import start_media_service

if __name__ == "__main__":
    run_service("media", start_media_service)

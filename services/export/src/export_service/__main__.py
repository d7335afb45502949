"""`python -m export_service`: serve export commands and render until SIGINT/SIGTERM."""

from videogen_runtime.service import run_service

from export_service.bootstrap import start_export_service

if __name__ == "__main__":
    run_service("export", start_export_service)

